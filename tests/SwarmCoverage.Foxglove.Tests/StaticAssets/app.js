console.log("test console");
