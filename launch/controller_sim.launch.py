"""The SwarmCoverage controller with the bundled simulator, as two ROS 2 processes talking over DDS.

    ros2 launch launch/controller_sim.launch.py                      # 40 TurtleBot3 Burgers, real time
    ros2 launch launch/controller_sim.launch.py speed:=5 rviz:=true  # five times real time, RViz on the target map

Both processes read the same params file (launch/sim_turtlebot3.yaml by default). `swarm_coverage` is the
command that runs the program: the published executable on PATH, or for example
`swarm_coverage:="dotnet /path/to/swarm-coverage.dll"`. Neither process is an rclcpp node: they speak ROS 2 on the
wire through Cyclone DDS, so `ros2 topic list/echo` see their topics (use RMW_IMPLEMENTATION=rmw_cyclonedds_cpp
on the ROS side, and the same ROS_DOMAIN_ID).

Secured (SROS2, docs/security.md): `keystore:=DIR` sets ROS_SECURITY_ENABLE=true, ROS_SECURITY_KEYSTORE=DIR and
ROS_SECURITY_STRATEGY (`security_strategy:=`, default Enforce) for the processes; each uses its own enclave
(/swarm_coverage, /swarm_coverage/<robot> with robot:=, /swarm_coverage_sim) unless `controller_enclave:=NAME` /
`sim_enclave:=NAME` pass `--ros-args --enclave NAME`. Without `keystore:=` the environment's ROS_SECURITY_* apply, as for any ROS 2 node.

    ros2 launch launch/controller_sim.launch.py keystore:=keystore   # both nodes secured, each with its enclave
"""

import os
import shlex

from launch import LaunchDescription
from launch.actions import DeclareLaunchArgument, ExecuteProcess, OpaqueFunction
from launch.conditions import IfCondition
from launch.substitutions import LaunchConfiguration

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_PARAMS = os.path.join(HERE, 'sim_turtlebot3.yaml')


def _security(context, enclave_argument):
    """ROS_SECURITY_* for the processes when keystore:= is given (else the environment's apply), and --ros-args --enclave."""
    keystore = LaunchConfiguration('keystore').perform(context)
    enclave = LaunchConfiguration(enclave_argument).perform(context)
    env = {}
    if keystore:
        env = {'ROS_SECURITY_ENABLE': 'true', 'ROS_SECURITY_KEYSTORE': os.path.abspath(keystore),
               'ROS_SECURITY_STRATEGY': LaunchConfiguration('security_strategy').perform(context)}
    return env, (['--ros-args', '--enclave', enclave] if enclave else [])



def _processes(context, *args, **kwargs):
    program = shlex.split(LaunchConfiguration('swarm_coverage').perform(context))
    params = LaunchConfiguration('params_file').perform(context)
    speed = LaunchConfiguration('speed').perform(context)
    cmd_type = LaunchConfiguration('cmd_vel_type').perform(context)
    env, sim_ros_args = _security(context, 'sim_enclave')
    _, controller_ros_args = _security(context, 'controller_enclave')
    sim = ExecuteProcess(
        cmd=program + ['sim', '--params', params, '--speed', speed, '--cmd-vel-type', cmd_type] + sim_ros_args,
        name='swarm_coverage_sim', output='screen', additional_env=env)
    controller = ExecuteProcess(
        cmd=program + ['controller', '--params', params] + controller_ros_args,
        name='swarm_coverage', output='screen', additional_env=env,
        # SIGINT first: the controller publishes zero to every robot before it exits.
        sigterm_timeout='5')
    return [sim, controller]


def generate_launch_description():
    return LaunchDescription([
        DeclareLaunchArgument('swarm_coverage', default_value='swarm-coverage',
                              description='Command that runs the swarm-coverage program'),
        DeclareLaunchArgument('params_file', default_value=DEFAULT_PARAMS,
                              description='ROS 2 params file read by the controller and the simulator'),
        DeclareLaunchArgument('speed', default_value='1',
                              description='Real-time factor of the simulator (0 or max: as fast as possible)'),
        DeclareLaunchArgument('cmd_vel_type', default_value='twist',
                              description='twist or twist_stamped; must match robots.cmd_vel_type of the params file'),
        DeclareLaunchArgument('keystore', default_value='',
                              description='SROS2 keystore directory: run secured (sets ROS_SECURITY_ENABLE/KEYSTORE/STRATEGY)'),
        DeclareLaunchArgument('security_strategy', default_value='Enforce',
                              description='Enforce (refuse to start without a valid enclave) or Permissive (warn, run unsecured)'),
        DeclareLaunchArgument('controller_enclave', default_value='',
                              description='Enclave of the controller instead of /swarm_coverage'),
        DeclareLaunchArgument('sim_enclave', default_value='',
                              description='Enclave of the simulator instead of /swarm_coverage_sim'),
        DeclareLaunchArgument('rviz', default_value='false', description='Start RViz (needs a ROS 2 desktop install)'),
        OpaqueFunction(function=_processes),
        ExecuteProcess(cmd=['rviz2', '-d', os.path.join(HERE, 'swarm_coverage.rviz')],
                       condition=IfCondition(LaunchConfiguration('rviz')), output='screen'),
    ])
