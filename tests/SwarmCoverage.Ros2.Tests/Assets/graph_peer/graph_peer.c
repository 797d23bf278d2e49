/*
 * An independent ROS 2 graph and parameter-service peer, written only from the upstream interface definitions
 * (rmw_dds_common, rcl_interfaces, std_srvs) and the C code Cyclone's idlc generates from rosidl's IDL, plus the
 * wire conventions of rmw_cyclonedds_cpp. It never shares code with the project's serializer, so it checks it.
 *
 * Built by tests/SwarmCoverage.Ros2.Tests/Infrastructure/GraphPeer.cs (translate, idlc -t, gcc -lddsc), which also
 * generates ros_wrappers.idl: the rmw_cyclonedds request header (uint64 guid, int64 seq) before each .srv half.
 *
 *   graph SECONDS [--until-node /ns/name] [--until-gone /ns/name] [--until-participant GUIDHEX]
 *   call NODE SERVICE ARGS... [--timeout S]
 *   events SECONDS [--count N]
 *
 * One JSON object per line on stdout; progress on stderr. Domain from ROS_DOMAIN_ID, configuration from
 * CYCLONEDDS_URI (read by Cyclone itself).
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dds/dds.h"
#include "ros_wrappers.h"

#define GID_SIZE ((int)sizeof(((rmw_dds_common_msg_Gid *)0)->data))
#define MAX_SAMPLES 4096

static dds_entity_t participant;

/* ------------------------------------------------------------------ output helpers */

static void logf_(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "graph_peer: ");
  vfprintf(stderr, fmt, ap);
  fprintf(stderr, "\n");
  va_end(ap);
  fflush(stderr);
}

static void fail(const char *what, dds_return_t rc)
{
  fprintf(stderr, "graph_peer: %s failed: %s (%d)\n", what, dds_strretcode(rc), (int)rc);
  exit(2);
}

static dds_entity_t check(dds_entity_t e, const char *what)
{
  if (e < 0)
    fail(what, e);
  return e;
}

/* Growable string buffer holding one JSON line. */
typedef struct { char *p; size_t n, cap; } buf_t;

static void bput(buf_t *b, const char *s, size_t len)
{
  if (b->n + len + 1 > b->cap)
  {
    b->cap = (b->n + len + 1) * 2 + 64;
    b->p = realloc(b->p, b->cap);
    if (b->p == NULL)
      abort();
  }
  memcpy(b->p + b->n, s, len);
  b->n += len;
  b->p[b->n] = 0;
}

static void bprintf(buf_t *b, const char *fmt, ...)
{
  char tmp[512];
  va_list ap;
  va_start(ap, fmt);
  int k = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  if (k < 0)
    abort();
  bput(b, tmp, (size_t)k < sizeof tmp ? (size_t)k : sizeof tmp - 1);
}

static void bstr(buf_t *b, const char *s)
{
  bput(b, "\"", 1);
  if (s == NULL)
    s = "";
  for (const unsigned char *c = (const unsigned char *)s; *c; c++)
  {
    switch (*c)
    {
      case '"': bput(b, "\\\"", 2); break;
      case '\\': bput(b, "\\\\", 2); break;
      case '\n': bput(b, "\\n", 2); break;
      case '\r': bput(b, "\\r", 2); break;
      case '\t': bput(b, "\\t", 2); break;
      case '\b': bput(b, "\\b", 2); break;
      case '\f': bput(b, "\\f", 2); break;
      default:
        if (*c < 0x20)
          bprintf(b, "\\u%04x", *c);
        else
          bput(b, (const char *)c, 1);
    }
  }
  bput(b, "\"", 1);
}

static void bdouble(buf_t *b, double d)
{
  if (d != d)
    bput(b, "\"NaN\"", 5);
  else if (d > 1.7976931348623157e308)
    bput(b, "\"Infinity\"", 10);
  else if (d < -1.7976931348623157e308)
    bput(b, "\"-Infinity\"", 11);
  else
    bprintf(b, "%.17g", d);
}

static void bbool(buf_t *b, bool v) { bput(b, v ? "true" : "false", v ? 4 : 5); }

static void emit(buf_t *b)
{
  fputs(b->p ? b->p : "{}", stdout);
  fputc('\n', stdout);
  fflush(stdout);
  free(b->p);
  b->p = NULL;
  b->n = b->cap = 0;
}

static void hex(char *out, const uint8_t *bytes, int n)
{
  static const char digits[] = "0123456789abcdef";
  for (int i = 0; i < n; i++)
  {
    out[2 * i] = digits[bytes[i] >> 4];
    out[2 * i + 1] = digits[bytes[i] & 15];
  }
  out[2 * n] = 0;
}

/* ------------------------------------------------------------------ DDS helpers */

static double now_s(void) { return (double)dds_time() / 1e9; }

static uint32_t domain_id(void)
{
  const char *s = getenv("ROS_DOMAIN_ID");
  if (s == NULL || *s == 0)
    return 0;
  char *end;
  long v = strtol(s, &end, 10);
  if (*end != 0 || v < 0 || v > 232)
  {
    fprintf(stderr, "graph_peer: bad ROS_DOMAIN_ID '%s'\n", s);
    exit(2);
  }
  return (uint32_t)v;
}

static void create_participant(void)
{
  dds_qos_t *qos = dds_create_qos();
  const char *ud = "enclave=/;";
  dds_qset_userdata(qos, ud, strlen(ud));
  uint32_t d = domain_id();
  participant = check(dds_create_participant(d, qos, NULL), "dds_create_participant");
  dds_delete_qos(qos);
  dds_guid_t g;
  char h[33];
  dds_get_guid(participant, &g);
  hex(h, g.v, 16);
  logf_("participant %s on domain %u", h, d);
}

/* idlc names the type by its IDL scope; ROS uses <pkg>::<msg|srv>::dds_::<Name>_. Copy idlc's descriptor (ops and
 * all) and replace only the type name. The wrapper types of services already carry the ROS name. */
static dds_entity_t ros_topic(const char *name, const dds_topic_descriptor_t *desc, const char *ros_type)
{
  /* The descriptor's members are const: copy the bytes, then write the one pointer through offsetof. */
  dds_topic_descriptor_t *copy = malloc(sizeof *copy);
  memcpy(copy, desc, sizeof *copy);
  if (ros_type != NULL)
    memcpy((char *)copy + offsetof(dds_topic_descriptor_t, m_typename), &ros_type, sizeof ros_type);
  return check(dds_create_topic(participant, copy, name, NULL, NULL), name);
}

static dds_qos_t *qos_of(bool reliable, bool transient_local, int depth /* <= 0: keep all */)
{
  dds_qos_t *q = dds_create_qos();
  dds_qset_reliability(q, reliable ? DDS_RELIABILITY_RELIABLE : DDS_RELIABILITY_BEST_EFFORT, DDS_SECS(1));
  dds_qset_durability(q, transient_local ? DDS_DURABILITY_TRANSIENT_LOCAL : DDS_DURABILITY_VOLATILE);
  if (depth <= 0)
    dds_qset_history(q, DDS_HISTORY_KEEP_ALL, 0);
  else
    dds_qset_history(q, DDS_HISTORY_KEEP_LAST, depth);
  return q;
}

static char *user_data_value(const dds_qos_t *qos, const char *key)
{
  void *ud = NULL;
  size_t sz = 0;
  if (qos == NULL || !dds_qget_userdata(qos, &ud, &sz) || ud == NULL)
    return NULL;
  char *text = calloc(1, sz + 1);
  memcpy(text, ud, sz);
  dds_free(ud);
  char *result = NULL;
  size_t klen = strlen(key);
  for (char *p = text; *p;)
  {
    char *semi = strchr(p, ';');
    if (semi != NULL)
      *semi = 0;
    if (strncmp(p, key, klen) == 0 && p[klen] == '=')
    {
      result = strdup(p + klen + 1);
      break;
    }
    if (semi == NULL)
      break;
    p = semi + 1;
  }
  free(text);
  return result;
}

/* ------------------------------------------------------------------ graph */

typedef struct { char gid[33]; char *enclave; } part_t;
typedef struct { char gid[33]; char *topic; char *type; } endpoint_t;
typedef struct { char **v; int n; } strv_t;
typedef struct { char *ns; char *name; strv_t readers; strv_t writers; } node_t;
typedef struct { char gid[2 * 24 + 1]; node_t *nodes; int n; } info_t;

static part_t *parts;
static int nparts;
static endpoint_t *pubs, *subs;
static int npubs, nsubs;
static info_t *infos;
static int ninfos;
static char self_gid[33];

static void free_strv(strv_t *s)
{
  for (int i = 0; i < s->n; i++)
    free(s->v[i]);
  free(s->v);
  s->v = NULL;
  s->n = 0;
}

/* A gid as the peer names it: the 16-byte GUID in hex, or every byte when the padding (Humble) is not zero, so that
 * it resolves to nothing and is reported. */
static char *gid_text(const uint8_t *data)
{
  char *out = malloc(2 * GID_SIZE + 1);
  int n = 16;
  for (int i = 16; i < GID_SIZE; i++)
    if (data[i] != 0)
      n = GID_SIZE;
  hex(out, data, n);
  return out;
}

static void refresh_participants(dds_entity_t rd)
{
  void *samples[MAX_SAMPLES] = {NULL};
  dds_sample_info_t si[MAX_SAMPLES];
  for (int i = 0; i < nparts; i++)
    free(parts[i].enclave);
  nparts = 0;
  int n = dds_read_mask(rd, samples, si, MAX_SAMPLES, MAX_SAMPLES, DDS_ANY_SAMPLE_STATE | DDS_ANY_VIEW_STATE | DDS_ALIVE_INSTANCE_STATE);
  if (n < 0)
    fail("read DCPSParticipant", n);
  parts = realloc(parts, sizeof *parts * (size_t)(n + 1));
  for (int i = 0; i < n; i++)
  {
    if (!si[i].valid_data)
      continue;
    const dds_builtintopic_participant_t *p = samples[i];
    part_t *t = &parts[nparts];
    hex(t->gid, p->key.v, 16);
    if (strcmp(t->gid, self_gid) == 0)
      continue;
    t->enclave = user_data_value(p->qos, "enclave");
    nparts++;
  }
  if (n > 0)
    dds_return_loan(rd, samples, n);
}

static void refresh_endpoints(dds_entity_t rd, endpoint_t **list, int *count, const char *what)
{
  void *samples[MAX_SAMPLES] = {NULL};
  dds_sample_info_t si[MAX_SAMPLES];
  for (int i = 0; i < *count; i++)
  {
    free((*list)[i].topic);
    free((*list)[i].type);
  }
  *count = 0;
  int n = dds_read_mask(rd, samples, si, MAX_SAMPLES, MAX_SAMPLES, DDS_ANY_SAMPLE_STATE | DDS_ANY_VIEW_STATE | DDS_ALIVE_INSTANCE_STATE);
  if (n < 0)
    fail(what, n);
  *list = realloc(*list, sizeof **list * (size_t)(n + 1));
  for (int i = 0; i < n; i++)
  {
    if (!si[i].valid_data)
      continue;
    const dds_builtintopic_endpoint_t *e = samples[i];
    endpoint_t *t = &(*list)[*count];
    hex(t->gid, e->key.v, 16);
    t->topic = strdup(e->topic_name ? e->topic_name : "");
    t->type = strdup(e->type_name ? e->type_name : "");
    (*count)++;
  }
  if (n > 0)
    dds_return_loan(rd, samples, n);
}

static void take_discovery_info(dds_entity_t rd)
{
  void *samples[64] = {NULL};
  dds_sample_info_t si[64];
  int n;
  while ((n = dds_take(rd, samples, si, 64, 64)) > 0)
  {
    for (int i = 0; i < n; i++)
    {
      if (!si[i].valid_data)
        continue;
      const rmw_dds_common_msg_ParticipantEntitiesInfo *m = samples[i];
      char *g = gid_text(m->gid.data);
      info_t *slot = NULL;
      for (int k = 0; k < ninfos; k++)
        if (strcmp(infos[k].gid, g) == 0)
          slot = &infos[k];
      if (slot == NULL)
      {
        infos = realloc(infos, sizeof *infos * (size_t)(ninfos + 1));
        slot = &infos[ninfos++];
        memset(slot, 0, sizeof *slot);
        snprintf(slot->gid, sizeof slot->gid, "%s", g);
      }
      for (int k = 0; k < slot->n; k++)
      {
        free(slot->nodes[k].ns);
        free(slot->nodes[k].name);
        free_strv(&slot->nodes[k].readers);
        free_strv(&slot->nodes[k].writers);
      }
      free(slot->nodes);
      slot->n = (int)m->node_entities_info_seq._length;
      slot->nodes = calloc((size_t)slot->n + 1, sizeof *slot->nodes);
      for (int k = 0; k < slot->n; k++)
      {
        const rmw_dds_common_msg_NodeEntitiesInfo *ne = &m->node_entities_info_seq._buffer[k];
        node_t *nd = &slot->nodes[k];
        nd->ns = strdup(ne->node_namespace);
        nd->name = strdup(ne->node_name);
        nd->readers.n = (int)ne->reader_gid_seq._length;
        nd->readers.v = calloc((size_t)nd->readers.n + 1, sizeof(char *));
        for (int r = 0; r < nd->readers.n; r++)
          nd->readers.v[r] = gid_text(ne->reader_gid_seq._buffer[r].data);
        nd->writers.n = (int)ne->writer_gid_seq._length;
        nd->writers.v = calloc((size_t)nd->writers.n + 1, sizeof(char *));
        for (int w = 0; w < nd->writers.n; w++)
          nd->writers.v[w] = gid_text(ne->writer_gid_seq._buffer[w].data);
      }
      logf_("ros_discovery_info from %s: %d node(s)", g, slot->n);
      free(g);
    }
    dds_return_loan(rd, samples, n);
  }
  if (n < 0)
    fail("take ros_discovery_info", n);
}

static const part_t *find_part(const char *gid)
{
  for (int i = 0; i < nparts; i++)
    if (strcmp(parts[i].gid, gid) == 0)
      return &parts[i];
  return NULL;
}

static const endpoint_t *find_endpoint(const endpoint_t *list, int n, const char *gid)
{
  for (int i = 0; i < n; i++)
    if (strcmp(list[i].gid, gid) == 0)
      return &list[i];
  return NULL;
}

static void full_name(char *out, size_t cap, const node_t *nd)
{
  size_t l = strlen(nd->ns);
  snprintf(out, cap, "%s%s%s", nd->ns, (l > 0 && nd->ns[l - 1] == '/') ? "" : "/", nd->name);
}

/* The node named full (e.g. /swarm_coverage) of a live participant; *unknown counts its unresolved gids. */
static bool node_present(const char *full, int *unknown)
{
  char fn[600];
  for (int i = 0; i < ninfos; i++)
  {
    if (find_part(infos[i].gid) == NULL)
      continue;
    for (int k = 0; k < infos[i].n; k++)
    {
      const node_t *nd = &infos[i].nodes[k];
      full_name(fn, sizeof fn, nd);
      if (strcmp(fn, full) != 0)
        continue;
      int u = 0;
      for (int r = 0; r < nd->readers.n; r++)
        u += find_endpoint(subs, nsubs, nd->readers.v[r]) == NULL;
      for (int w = 0; w < nd->writers.n; w++)
        u += find_endpoint(pubs, npubs, nd->writers.v[w]) == NULL;
      *unknown = u;
      return true;
    }
  }
  return false;
}

static void emit_endpoints(buf_t *b, const strv_t *gids, const endpoint_t *list, int n, strv_t *unknown)
{
  bput(b, "[", 1);
  int first = 1;
  for (int i = 0; i < gids->n; i++)
  {
    const endpoint_t *e = find_endpoint(list, n, gids->v[i]);
    if (e == NULL)
    {
      unknown->v = realloc(unknown->v, sizeof(char *) * (size_t)(unknown->n + 1));
      unknown->v[unknown->n++] = strdup(gids->v[i]);
      continue;
    }
    if (!first)
      bput(b, ",", 1);
    first = 0;
    bput(b, "{\"gid\":", 7);
    bstr(b, e->gid);
    bput(b, ",\"topic\":", 9);
    bstr(b, e->topic);
    bput(b, ",\"type\":", 8);
    bstr(b, e->type);
    bput(b, "}", 1);
  }
  bput(b, "]", 1);
}

static void emit_graph(void)
{
  buf_t b = {0};
  bput(&b, "{\"nodes\":[", 10);
  int first = 1;
  for (int i = 0; i < ninfos; i++)
  {
    const part_t *p = find_part(infos[i].gid);
    if (p == NULL)
      continue; /* the participant is gone from DCPSParticipant: GraphCache drops it */
    for (int k = 0; k < infos[i].n; k++)
    {
      const node_t *nd = &infos[i].nodes[k];
      strv_t unknown = {0};
      if (!first)
        bput(&b, ",", 1);
      first = 0;
      bput(&b, "{\"namespace\":", 13);
      bstr(&b, nd->ns);
      bput(&b, ",\"name\":", 8);
      bstr(&b, nd->name);
      bput(&b, ",\"participant\":", 15);
      bstr(&b, infos[i].gid);
      bput(&b, ",\"enclave\":", 11);
      if (p->enclave)
        bstr(&b, p->enclave);
      else
        bput(&b, "null", 4);
      bput(&b, ",\"readers\":", 11);
      emit_endpoints(&b, &nd->readers, subs, nsubs, &unknown);
      bput(&b, ",\"writers\":", 11);
      emit_endpoints(&b, &nd->writers, pubs, npubs, &unknown);
      bput(&b, ",\"unknown_gids\":[", 17);
      for (int u = 0; u < unknown.n; u++)
      {
        if (u)
          bput(&b, ",", 1);
        bstr(&b, unknown.v[u]);
      }
      bput(&b, "]}", 2);
      free_strv(&unknown);
    }
  }
  bput(&b, "],\"participants\":[", 18);
  for (int i = 0; i < nparts; i++)
  {
    if (i)
      bput(&b, ",", 1);
    bput(&b, "{\"gid\":", 7);
    bstr(&b, parts[i].gid);
    bput(&b, ",\"enclave\":", 11);
    if (parts[i].enclave)
      bstr(&b, parts[i].enclave);
    else
      bput(&b, "null", 4);
    bool has = false;
    for (int k = 0; k < ninfos; k++)
      has |= strcmp(infos[k].gid, parts[i].gid) == 0;
    bprintf(&b, ",\"discovery_info\":%s}", has ? "true" : "false");
  }
  bput(&b, "]}", 2);
  emit(&b);
}

static int cmd_graph(int argc, char **argv)
{
  if (argc < 3)
  {
    fprintf(stderr, "usage: graph SECONDS [--until-node /ns/name] [--until-gone /ns/name] [--until-participant GUIDHEX]\n");
    return 2;
  }
  double seconds = atof(argv[2]);
  const char *until_node = NULL, *until_gone = NULL, *until_participant = NULL;
  for (int i = 3; i < argc; i++)
  {
    if (strcmp(argv[i], "--until-node") == 0 && i + 1 < argc)
      until_node = argv[++i];
    else if (strcmp(argv[i], "--until-participant") == 0 && i + 1 < argc)
      until_participant = argv[++i];
    else if (strcmp(argv[i], "--until-gone") == 0 && i + 1 < argc)
      until_gone = argv[++i];
    else
    {
      fprintf(stderr, "graph: unknown argument '%s'\n", argv[i]);
      return 2;
    }
  }

  dds_entity_t rd_part = check(dds_create_reader(participant, DDS_BUILTIN_TOPIC_DCPSPARTICIPANT, NULL, NULL), "reader DCPSParticipant");
  dds_entity_t rd_pub = check(dds_create_reader(participant, DDS_BUILTIN_TOPIC_DCPSPUBLICATION, NULL, NULL), "reader DCPSPublication");
  dds_entity_t rd_sub = check(dds_create_reader(participant, DDS_BUILTIN_TOPIC_DCPSSUBSCRIPTION, NULL, NULL), "reader DCPSSubscription");
  dds_entity_t topic = ros_topic("ros_discovery_info", &rmw_dds_common_msg_ParticipantEntitiesInfo_desc, "rmw_dds_common::msg::dds_::ParticipantEntitiesInfo_");
  dds_qos_t *q = qos_of(true, true, 0);
  dds_entity_t rd_info = check(dds_create_reader(participant, topic, q, NULL), "reader ros_discovery_info");
  dds_delete_qos(q);
  logf_("graph for %.1f s (Gid of %d bytes)%s%s%s%s", seconds, GID_SIZE, until_node ? ", until node " : "", until_node ? until_node : "",
        until_gone ? ", until gone " : "", until_gone ? until_gone : "");

  double start = now_s();
  double present_since = -1;
  bool seen = false;
  bool holds = false;
  while (true)
  {
    refresh_participants(rd_part);
    refresh_endpoints(rd_pub, &pubs, &npubs, "read DCPSPublication");
    refresh_endpoints(rd_sub, &subs, &nsubs, "read DCPSSubscription");
    take_discovery_info(rd_info);
    double t = now_s() - start;
    int unknown = 0;
    if (until_participant != NULL)
    {
      if (find_part(until_participant) != NULL)
      {
        holds = true;
        break;
      }
    }
    else if (until_node != NULL)
    {
      if (node_present(until_node, &unknown))
      {
        if (present_since < 0)
          present_since = t;
        /* Its endpoints may be announced a little after ros_discovery_info: allow a second for them to resolve. */
        if (unknown == 0 || t - present_since > 1.0)
        {
          holds = true;
          break;
        }
      }
      else
        present_since = -1;
    }
    else if (until_gone != NULL)
    {
      if (node_present(until_gone, &unknown))
        seen = true;
      /* Gone: seen and then absent, or absent after discovery has had two seconds to settle. */
      else if (seen || t > 2.0)
      {
        holds = true;
        break;
      }
    }
    if (t >= seconds)
      break;
    dds_sleepfor(DDS_MSECS(50));
  }
  emit_graph();
  if (until_node == NULL && until_gone == NULL && until_participant == NULL)
    return 0;
  logf_("condition %s", holds ? "holds" : "timed out");
  return holds ? 0 : 1;
}

/* ------------------------------------------------------------------ services */

static char **strings_of(char **args, int n)
{
  char **v = dds_alloc(sizeof(char *) * (size_t)(n > 0 ? n : 1));
  for (int i = 0; i < n; i++)
    v[i] = dds_string_dup(args[i]);
  return v;
}

static void set_strings(dds_sequence_string *s, char **args, int n)
{
  s->_length = s->_maximum = (uint32_t)n;
  s->_buffer = strings_of(args, n);
  s->_release = true;
}

static void emit_string_array(buf_t *b, const dds_sequence_string *s)
{
  bput(b, "[", 1);
  for (uint32_t i = 0; i < s->_length; i++)
  {
    if (i)
      bput(b, ",", 1);
    bstr(b, s->_buffer[i]);
  }
  bput(b, "]", 1);
}

static void emit_value_only(buf_t *b, const rcl_interfaces_msg_ParameterValue *v)
{
  switch (v->type)
  {
    case 1: bbool(b, v->bool_value); break;
    case 2: bprintf(b, "%" PRId64, v->integer_value); break;
    case 3: bdouble(b, v->double_value); break;
    case 4: bstr(b, v->string_value); break;
    case 5:
      bput(b, "[", 1);
      for (uint32_t i = 0; i < v->byte_array_value._length; i++)
        bprintf(b, "%s%u", i ? "," : "", v->byte_array_value._buffer[i]);
      bput(b, "]", 1);
      break;
    case 6:
      bput(b, "[", 1);
      for (uint32_t i = 0; i < v->bool_array_value._length; i++)
      {
        if (i)
          bput(b, ",", 1);
        bbool(b, v->bool_array_value._buffer[i]);
      }
      bput(b, "]", 1);
      break;
    case 7:
      bput(b, "[", 1);
      for (uint32_t i = 0; i < v->integer_array_value._length; i++)
        bprintf(b, "%s%" PRId64, i ? "," : "", v->integer_array_value._buffer[i]);
      bput(b, "]", 1);
      break;
    case 8:
      bput(b, "[", 1);
      for (uint32_t i = 0; i < v->double_array_value._length; i++)
      {
        if (i)
          bput(b, ",", 1);
        bdouble(b, v->double_array_value._buffer[i]);
      }
      bput(b, "]", 1);
      break;
    case 9: emit_string_array(b, &v->string_array_value); break;
    default: bput(b, "null", 4); break;
  }
}

static void emit_value(buf_t *b, const rcl_interfaces_msg_ParameterValue *v)
{
  bprintf(b, "{\"type\":%u,\"value\":", v->type);
  emit_value_only(b, v);
  bput(b, "}", 1);
}

static void emit_result(buf_t *b, const rcl_interfaces_msg_SetParametersResult *r)
{
  bput(b, "{\"successful\":", 14);
  bbool(b, r->successful);
  bput(b, ",\"reason\":", 10);
  bstr(b, r->reason);
  bput(b, "}", 1);
}

/* NAME=TYPE:VALUE, TYPE one of bool|int|double|string|double_array|int_array|string_array|not_set. */
static void parse_parameter(const char *arg, rcl_interfaces_msg_Parameter *p)
{
  memset(p, 0, sizeof *p);
  const char *eq = strchr(arg, '=');
  const char *colon = eq ? strchr(eq + 1, ':') : NULL;
  if (eq == NULL || colon == NULL)
  {
    fprintf(stderr, "graph_peer: bad parameter '%s' (NAME=TYPE:VALUE)\n", arg);
    exit(2);
  }
  p->name = dds_alloc((size_t)(eq - arg) + 1);
  memcpy(p->name, arg, (size_t)(eq - arg));
  p->name[eq - arg] = 0;
  char type[32] = {0};
  snprintf(type, sizeof type, "%.*s", (int)(colon - eq - 1), eq + 1);
  const char *value = colon + 1;
  rcl_interfaces_msg_ParameterValue *v = &p->value;
  v->string_value = dds_string_dup("");
  if (strcmp(type, "bool") == 0)
  {
    v->type = 1;
    v->bool_value = strcmp(value, "true") == 0;
  }
  else if (strcmp(type, "int") == 0)
  {
    v->type = 2;
    v->integer_value = strtoll(value, NULL, 10);
  }
  else if (strcmp(type, "double") == 0)
  {
    v->type = 3;
    v->double_value = strtod(value, NULL);
  }
  else if (strcmp(type, "string") == 0)
  {
    v->type = 4;
    dds_free(v->string_value);
    v->string_value = dds_string_dup(value);
  }
  else if (strcmp(type, "double_array") == 0 || strcmp(type, "int_array") == 0 || strcmp(type, "string_array") == 0)
  {
    int n = 0;
    char *copy = strdup(value);
    char *items[256];
    for (char *tok = strtok(copy, ","); tok != NULL && n < 256; tok = strtok(NULL, ","))
      items[n++] = tok;
    if (type[0] == 'd')
    {
      v->type = 8;
      v->double_array_value._buffer = dds_alloc(sizeof(double) * (size_t)(n + 1));
      for (int i = 0; i < n; i++)
        v->double_array_value._buffer[i] = strtod(items[i], NULL);
      v->double_array_value._length = v->double_array_value._maximum = (uint32_t)n;
      v->double_array_value._release = true;
    }
    else if (type[0] == 'i')
    {
      v->type = 7;
      v->integer_array_value._buffer = dds_alloc(sizeof(int64_t) * (size_t)(n + 1));
      for (int i = 0; i < n; i++)
        v->integer_array_value._buffer[i] = strtoll(items[i], NULL, 10);
      v->integer_array_value._length = v->integer_array_value._maximum = (uint32_t)n;
      v->integer_array_value._release = true;
    }
    else
    {
      v->type = 9;
      set_strings(&v->string_array_value, items, n);
    }
    free(copy);
  }
  else if (strcmp(type, "not_set") == 0)
    v->type = 0;
  else
  {
    fprintf(stderr, "graph_peer: bad parameter type '%s'\n", type);
    exit(2);
  }
}

static dds_sequence_rcl_interfaces_msg_Parameter parameters_of(char **args, int n)
{
  dds_sequence_rcl_interfaces_msg_Parameter s;
  s._length = s._maximum = (uint32_t)n;
  s._buffer = dds_alloc(sizeof *s._buffer * (size_t)(n > 0 ? n : 1));
  s._release = true;
  for (int i = 0; i < n; i++)
    parse_parameter(args[i], &s._buffer[i]);
  return s;
}

typedef struct
{
  const char *service;
  const char *srv_type; /* e.g. rcl_interfaces::srv::dds_::GetParameters */
  const dds_topic_descriptor_t *request;
  const dds_topic_descriptor_t *response;
  size_t request_size;
} service_t;

#define SERVICE(name, pkg, srv)                                                                                          \
  { name, #pkg "::srv::dds_::" #srv, &pkg##_srv_dds__##srv##_Request__desc, &pkg##_srv_dds__##srv##_Response__desc, \
    sizeof(pkg##_srv_dds__##srv##_Request_) }

static const service_t services[] = {
  SERVICE("list_parameters", rcl_interfaces, ListParameters),
  SERVICE("describe_parameters", rcl_interfaces, DescribeParameters),
  SERVICE("get_parameters", rcl_interfaces, GetParameters),
  SERVICE("get_parameter_types", rcl_interfaces, GetParameterTypes),
  SERVICE("set_parameters", rcl_interfaces, SetParameters),
  SERVICE("set_parameters_atomically", rcl_interfaces, SetParametersAtomically),
  SERVICE("emergency_stop", std_srvs, SetBool),
  SERVICE("reload_target", std_srvs, Trigger),
};

/* Fills the .srv half of the request (after the 16-byte header) from the arguments. */
static void fill_request(const char *service, void *request, char **args, int n)
{
  if (strcmp(service, "list_parameters") == 0)
  {
    rcl_interfaces_srv_dds__ListParameters_Request_ *r = request;
    set_strings(&r->body.prefixes, args, n);
    r->body.depth = 0; /* DEPTH_RECURSIVE */
  }
  else if (strcmp(service, "describe_parameters") == 0)
    set_strings(&((rcl_interfaces_srv_dds__DescribeParameters_Request_ *)request)->body.names, args, n);
  else if (strcmp(service, "get_parameters") == 0)
    set_strings(&((rcl_interfaces_srv_dds__GetParameters_Request_ *)request)->body.names, args, n);
  else if (strcmp(service, "get_parameter_types") == 0)
    set_strings(&((rcl_interfaces_srv_dds__GetParameterTypes_Request_ *)request)->body.names, args, n);
  else if (strcmp(service, "set_parameters") == 0)
    ((rcl_interfaces_srv_dds__SetParameters_Request_ *)request)->body.parameters = parameters_of(args, n);
  else if (strcmp(service, "set_parameters_atomically") == 0)
    ((rcl_interfaces_srv_dds__SetParametersAtomically_Request_ *)request)->body.parameters = parameters_of(args, n);
  else if (strcmp(service, "emergency_stop") == 0)
  {
    if (n != 1 || (strcmp(args[0], "true") != 0 && strcmp(args[0], "false") != 0))
    {
      fprintf(stderr, "graph_peer: emergency_stop true|false\n");
      exit(2);
    }
    ((std_srvs_srv_dds__SetBool_Request_ *)request)->body.data = strcmp(args[0], "true") == 0;
  }
  else if (strcmp(service, "reload_target") == 0)
    ((std_srvs_srv_dds__Trigger_Request_ *)request)->body.structure_needs_at_least_one_member = 0;
}

static void emit_response(const char *service, const void *response)
{
  buf_t b = {0};
  if (strcmp(service, "list_parameters") == 0)
  {
    const rcl_interfaces_srv_dds__ListParameters_Response_ *r = response;
    bput(&b, "{\"names\":", 9);
    emit_string_array(&b, &r->body.result.names);
    bput(&b, ",\"prefixes\":", 12);
    emit_string_array(&b, &r->body.result.prefixes);
    bput(&b, "}", 1);
  }
  else if (strcmp(service, "describe_parameters") == 0)
  {
    const rcl_interfaces_srv_dds__DescribeParameters_Response_ *r = response;
    bput(&b, "{\"descriptors\":[", 16);
    for (uint32_t i = 0; i < r->body.descriptors._length; i++)
    {
      const rcl_interfaces_msg_ParameterDescriptor *d = &r->body.descriptors._buffer[i];
      if (i)
        bput(&b, ",", 1);
      bput(&b, "{\"name\":", 8);
      bstr(&b, d->name);
      bprintf(&b, ",\"type\":%u,\"description\":", d->type);
      bstr(&b, d->description);
      bput(&b, ",\"additional_constraints\":", 26);
      bstr(&b, d->additional_constraints);
      bput(&b, ",\"read_only\":", 13);
      bbool(&b, d->read_only);
      bput(&b, ",\"dynamic_typing\":", 18);
      bbool(&b, d->dynamic_typing);
      bput(&b, ",\"floating_point_range\":[", 25);
      for (uint32_t k = 0; k < d->floating_point_range._length; k++)
      {
        const rcl_interfaces_msg_FloatingPointRange *f = &d->floating_point_range._buffer[k];
        bput(&b, k ? ",{\"from_value\":" : "{\"from_value\":", k ? 15 : 14);
        bdouble(&b, f->from_value);
        bput(&b, ",\"to_value\":", 12);
        bdouble(&b, f->to_value);
        bput(&b, ",\"step\":", 8);
        bdouble(&b, f->step);
        bput(&b, "}", 1);
      }
      bput(&b, "],\"integer_range\":[", 19);
      for (uint32_t k = 0; k < d->integer_range._length; k++)
      {
        const rcl_interfaces_msg_IntegerRange *g = &d->integer_range._buffer[k];
        bprintf(&b, "%s{\"from_value\":%" PRId64 ",\"to_value\":%" PRId64 ",\"step\":%" PRIu64 "}", k ? "," : "", g->from_value,
                g->to_value, g->step);
      }
      bput(&b, "]}", 2);
    }
    bput(&b, "]}", 2);
  }
  else if (strcmp(service, "get_parameters") == 0)
  {
    const rcl_interfaces_srv_dds__GetParameters_Response_ *r = response;
    bput(&b, "{\"values\":[", 11);
    for (uint32_t i = 0; i < r->body.values._length; i++)
    {
      if (i)
        bput(&b, ",", 1);
      emit_value(&b, &r->body.values._buffer[i]);
    }
    bput(&b, "]}", 2);
  }
  else if (strcmp(service, "get_parameter_types") == 0)
  {
    const rcl_interfaces_srv_dds__GetParameterTypes_Response_ *r = response;
    bput(&b, "{\"types\":[", 10);
    for (uint32_t i = 0; i < r->body.types._length; i++)
      bprintf(&b, "%s%u", i ? "," : "", r->body.types._buffer[i]);
    bput(&b, "]}", 2);
  }
  else if (strcmp(service, "set_parameters") == 0)
  {
    const rcl_interfaces_srv_dds__SetParameters_Response_ *r = response;
    bput(&b, "{\"results\":[", 12);
    for (uint32_t i = 0; i < r->body.results._length; i++)
    {
      if (i)
        bput(&b, ",", 1);
      emit_result(&b, &r->body.results._buffer[i]);
    }
    bput(&b, "]}", 2);
  }
  else if (strcmp(service, "set_parameters_atomically") == 0)
  {
    const rcl_interfaces_srv_dds__SetParametersAtomically_Response_ *r = response;
    bput(&b, "{\"result\":", 10);
    emit_result(&b, &r->body.result);
    bput(&b, "}", 1);
  }
  else if (strcmp(service, "emergency_stop") == 0)
  {
    const std_srvs_srv_dds__SetBool_Response_ *r = response;
    bput(&b, "{\"success\":", 11);
    bbool(&b, r->body.success);
    bput(&b, ",\"message\":", 11);
    bstr(&b, r->body.message);
    bput(&b, "}", 1);
  }
  else if (strcmp(service, "reload_target") == 0)
  {
    const std_srvs_srv_dds__Trigger_Response_ *r = response;
    bput(&b, "{\"success\":", 11);
    bbool(&b, r->body.success);
    bput(&b, ",\"message\":", 11);
    bstr(&b, r->body.message);
    bput(&b, "}", 1);
  }
  emit(&b);
}

static void emit_error(const char *fmt, ...)
{
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  buf_t b = {0};
  bput(&b, "{\"error\":", 9);
  bstr(&b, msg);
  bput(&b, "}", 1);
  emit(&b);
  logf_("%s", msg);
}

static int cmd_call(int argc, char **argv)
{
  if (argc < 4)
  {
    fprintf(stderr, "usage: call NODE SERVICE ARGS... [--timeout S]\n");
    return 2;
  }
  const char *node = argv[2];
  const char *service = argv[3];
  double timeout = 10;
  char **args = calloc((size_t)argc, sizeof(char *));
  int nargs = 0;
  for (int i = 4; i < argc; i++)
  {
    if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc)
      timeout = atof(argv[++i]);
    else
      args[nargs++] = argv[i];
  }

  const service_t *svc = NULL;
  for (size_t i = 0; i < sizeof services / sizeof services[0]; i++)
    if (strcmp(services[i].service, service) == 0)
      svc = &services[i];
  if (svc == NULL)
  {
    fprintf(stderr, "graph_peer: unknown service '%s'\n", service);
    return 2;
  }

  /* /ns/node + service -> rq/ns/node/serviceRequest, rr/ns/node/serviceReply */
  const char *rel = node[0] == '/' ? node + 1 : node;
  char ros_name[600], rq[700], rr[700];
  snprintf(ros_name, sizeof ros_name, "/%s%s%s", rel, *rel ? "/" : "", service);
  snprintf(rq, sizeof rq, "rq%sRequest", ros_name);
  snprintf(rr, sizeof rr, "rr%sReply", ros_name);

  dds_entity_t t_rq = ros_topic(rq, svc->request, NULL);
  dds_entity_t t_rr = ros_topic(rr, svc->response, NULL);
  dds_qos_t *q = qos_of(true, false, 10);
  char ud[128];
  snprintf(ud, sizeof ud, "clientid=%s.%ld;", self_gid, (long)getpid());
  dds_qset_userdata(q, ud, strlen(ud));
  dds_entity_t wr = check(dds_create_writer(participant, t_rq, q, NULL), "request writer");
  dds_entity_t rd = check(dds_create_reader(participant, t_rr, q, NULL), "reply reader");
  dds_delete_qos(q);
  dds_instance_handle_t guid;
  dds_return_t rc = dds_get_instance_handle(wr, &guid);
  if (rc < 0)
    fail("dds_get_instance_handle", rc);
  logf_("calling %s (%s, %s) with %d argument(s), client guid %016" PRIx64, ros_name, rq, rr, nargs, guid);

  double start = now_s();
  bool wr_matched = false, rd_matched = false;
  while (!(wr_matched && rd_matched))
  {
    dds_publication_matched_status_t pm;
    dds_subscription_matched_status_t sm;
    dds_get_publication_matched_status(wr, &pm);
    dds_get_subscription_matched_status(rd, &sm);
    wr_matched = pm.current_count > 0;
    rd_matched = sm.current_count > 0;
    if (wr_matched && rd_matched)
      break;
    if (now_s() - start > timeout)
    {
      emit_error("service %s not available within %g s (request reader matched: %s, reply writer matched: %s)", ros_name, timeout,
                 wr_matched ? "yes" : "no", rd_matched ? "yes" : "no");
      return 1;
    }
    dds_sleepfor(DDS_MSECS(20));
  }
  logf_("matched after %.2f s", now_s() - start);

  void *request = dds_alloc(svc->request_size);
  memset(request, 0, svc->request_size);
  int64_t seq = 1;
  ((uint64_t *)request)[0] = guid;
  ((int64_t *)request)[1] = seq;
  fill_request(service, request, args, nargs);
  rc = dds_write(wr, request);
  if (rc < 0)
    fail("dds_write request", rc);
  dds_sample_free(request, svc->request, DDS_FREE_ALL);

  dds_entity_t ws = dds_create_waitset(participant);
  dds_entity_t rc_cond = dds_create_readcondition(rd, DDS_ANY_STATE);
  dds_waitset_attach(ws, rc_cond, 0);
  while (true)
  {
    double left = timeout - (now_s() - start);
    if (left <= 0)
    {
      emit_error("no reply from service %s within %g s", ros_name, timeout);
      return 1;
    }
    dds_waitset_wait(ws, NULL, 0, (dds_duration_t)(left * 1e9));
    void *samples[16] = {NULL};
    dds_sample_info_t si[16];
    int n = dds_take(rd, samples, si, 16, 16);
    if (n < 0)
      fail("take reply", n);
    for (int i = 0; i < n; i++)
    {
      if (!si[i].valid_data)
        continue;
      uint64_t g = ((const uint64_t *)samples[i])[0];
      int64_t s = ((const int64_t *)samples[i])[1];
      if (g != guid || s != seq)
      {
        logf_("ignoring reply for guid %016" PRIx64 " seq %" PRId64, g, s);
        continue;
      }
      emit_response(service, samples[i]);
      dds_return_loan(rd, samples, n);
      logf_("reply after %.2f s", now_s() - start);
      return 0;
    }
    if (n > 0)
      dds_return_loan(rd, samples, n);
  }
}

/* ------------------------------------------------------------------ parameter events */

static void emit_names(buf_t *b, const dds_sequence_rcl_interfaces_msg_Parameter *s)
{
  bput(b, "[", 1);
  for (uint32_t i = 0; i < s->_length; i++)
  {
    if (i)
      bput(b, ",", 1);
    bstr(b, s->_buffer[i].name);
  }
  bput(b, "]", 1);
}

static int cmd_events(int argc, char **argv)
{
  if (argc < 3)
  {
    fprintf(stderr, "usage: events SECONDS [--count N]\n");
    return 2;
  }
  double seconds = atof(argv[2]);
  long count = -1;
  for (int i = 3; i < argc; i++)
  {
    if (strcmp(argv[i], "--count") == 0 && i + 1 < argc)
      count = atol(argv[++i]);
    else
    {
      fprintf(stderr, "events: unknown argument '%s'\n", argv[i]);
      return 2;
    }
  }
  dds_entity_t topic = ros_topic("rt/parameter_events", &rcl_interfaces_msg_ParameterEvent_desc, "rcl_interfaces::msg::dds_::ParameterEvent_");
  dds_qos_t *q = qos_of(true, false, 1000);
  dds_entity_t rd = check(dds_create_reader(participant, topic, q, NULL), "reader rt/parameter_events");
  dds_delete_qos(q);
  logf_("parameter events for %.1f s%s", seconds, count >= 0 ? " or a count" : "");

  dds_entity_t ws = dds_create_waitset(participant);
  dds_entity_t cond = dds_create_readcondition(rd, DDS_ANY_STATE);
  dds_waitset_attach(ws, cond, 0);
  double start = now_s();
  long seen = 0;
  uint32_t matched = 0;
  while (count < 0 || seen < count)
  {
    double left = seconds - (now_s() - start);
    if (left <= 0)
      break;
    dds_waitset_wait(ws, NULL, 0, (dds_duration_t)((left < 0.05 ? left : 0.05) * 1e9));
    dds_subscription_matched_status_t sm;
    dds_get_subscription_matched_status(rd, &sm);
    if (sm.current_count != matched)
    {
      matched = sm.current_count;
      printf("{\"matched\":%u}\n", matched);
      fflush(stdout);
    }
    void *samples[16] = {NULL};
    dds_sample_info_t si[16];
    int n = dds_take(rd, samples, si, 16, 16);
    if (n < 0)
      fail("take parameter event", n);
    for (int i = 0; i < n; i++)
    {
      if (!si[i].valid_data)
        continue;
      const rcl_interfaces_msg_ParameterEvent *e = samples[i];
      buf_t b = {0};
      bput(&b, "{\"node\":", 8);
      bstr(&b, e->node);
      bprintf(&b, ",\"stamp\":{\"sec\":%d,\"nanosec\":%u}", e->stamp.sec, e->stamp.nanosec);
      bput(&b, ",\"new\":", 7);
      emit_names(&b, &e->new_parameters);
      bput(&b, ",\"changed\":[", 12);
      for (uint32_t k = 0; k < e->changed_parameters._length; k++)
      {
        const rcl_interfaces_msg_Parameter *p = &e->changed_parameters._buffer[k];
        if (k)
          bput(&b, ",", 1);
        bput(&b, "{\"name\":", 8);
        bstr(&b, p->name);
        bprintf(&b, ",\"type\":%u,\"value\":", p->value.type);
        emit_value_only(&b, &p->value);
        bput(&b, "}", 1);
      }
      bput(&b, "],\"deleted\":", 12);
      emit_names(&b, &e->deleted_parameters);
      bput(&b, "}", 1);
      emit(&b);
      seen++;
    }
    if (n > 0)
      dds_return_loan(rd, samples, n);
  }
  logf_("%ld event(s)", seen);
  return 0;
}

int main(int argc, char **argv)
{
  if (argc < 2)
  {
    fprintf(stderr, "usage: graph_peer graph|call|events ...\n");
    return 2;
  }
  create_participant();
  dds_guid_t g;
  dds_get_guid(participant, &g);
  hex(self_gid, g.v, 16);
  int rc;
  if (strcmp(argv[1], "graph") == 0)
    rc = cmd_graph(argc, argv);
  else if (strcmp(argv[1], "call") == 0)
    rc = cmd_call(argc, argv);
  else if (strcmp(argv[1], "events") == 0)
    rc = cmd_events(argc, argv);
  else
  {
    fprintf(stderr, "graph_peer: unknown command '%s'\n", argv[1]);
    rc = 2;
  }
  dds_delete(participant);
  return rc;
}
