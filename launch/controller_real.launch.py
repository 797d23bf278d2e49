"""The SwarmCoverage controller driving real robots.

    ros2 launch launch/controller_real.launch.py                                          # TurtleBot3s, motion capture
    ros2 launch launch/controller_real.launch.py params_file:=launch/robotarium_gritsbot.yaml
    ros2 launch launch/controller_real.launch.py robot:=tb3_2                             # decentralized: on tb3_2's computer

The robots' own drivers (turtlebot3_bringup, a GRITSbot bridge, ...) and the motion-capture node (vrpn_mocap)
run as usual; the controller subscribes their poses and publishes /<robot>/cmd_vel. With `robot:=NAME` this
instance computes the whole swarm's step from the shared poses and commands only NAME: one instance per robot
commands exactly what one central controller would. Stop it with Ctrl+C: it publishes zero to every robot it
commands before it exits. Emergency stop from anywhere:
    ros2 topic pub --once /swarm_coverage/emergency_stop std_msgs/msg/Bool "{data: true}"
(an emergency stop from a node without an identity is ignored once the controller runs secured: give the operator's
node an enclave allowed to publish it.)

Secured (SROS2, docs/security.md): `keystore:=DIR` sets ROS_SECURITY_ENABLE=true, ROS_SECURITY_KEYSTORE=DIR and
ROS_SECURITY_STRATEGY (`security_strategy:=`, default Enforce) for the processes; each uses its own enclave
(/swarm_coverage, /swarm_coverage/<robot> with robot:=, /swarm_coverage_sim) unless `enclave:=NAME` passes
`--ros-args --enclave NAME`. Without `keystore:=` the environment's ROS_SECURITY_* apply, as for any ROS 2 node.

    ros2 launch launch/controller_real.launch.py robot:=tb3_2 keystore:=/etc/swarm_coverage/keystore
"""

import os
import shlex

from launch import LaunchDescription
from launch.actions import DeclareLaunchArgument, ExecuteProcess, OpaqueFunction
from launch.substitutions import LaunchConfiguration

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_PARAMS = os.path.join(HERE, 'real_turtlebot3.yaml')


def _security(context):
    """ROS_SECURITY_* for the processes when keystore:= is given (else the environment's apply), and --ros-args --enclave."""
    keystore = LaunchConfiguration('keystore').perform(context)
    enclave = LaunchConfiguration('enclave').perform(context)
    env = {}
    if keystore:
        env = {'ROS_SECURITY_ENABLE': 'true', 'ROS_SECURITY_KEYSTORE': os.path.abspath(keystore),
               'ROS_SECURITY_STRATEGY': LaunchConfiguration('security_strategy').perform(context)}
    return env, (['--ros-args', '--enclave', enclave] if enclave else [])



def _controller(context, *args, **kwargs):
    program = shlex.split(LaunchConfiguration('swarm_coverage').perform(context))
    params = LaunchConfiguration('params_file').perform(context)
    robot = LaunchConfiguration('robot').perform(context)
    env, ros_args = _security(context)
    cmd = program + ['controller', '--params', params]
    name = 'swarm_coverage'
    if robot:
        cmd += ['--robot', robot]
        name += '_' + robot
    return [ExecuteProcess(cmd=cmd + ros_args, name=name, output='screen', sigterm_timeout='5', additional_env=env)]


def generate_launch_description():
    return LaunchDescription([
        DeclareLaunchArgument('swarm_coverage', default_value='swarm-coverage',
                              description='Command that runs the swarm-coverage program'),
        DeclareLaunchArgument('params_file', default_value=DEFAULT_PARAMS,
                              description='ROS 2 params file of the controller'),
        DeclareLaunchArgument('robot', default_value='',
                              description='Decentralized mode: the one robot this instance commands'),
        DeclareLaunchArgument('keystore', default_value='',
                              description='SROS2 keystore directory: run secured (sets ROS_SECURITY_ENABLE/KEYSTORE/STRATEGY)'),
        DeclareLaunchArgument('security_strategy', default_value='Enforce',
                              description='Enforce (refuse to start without a valid enclave) or Permissive (warn, run unsecured)'),
        DeclareLaunchArgument('enclave', default_value='',
                              description='Enclave name instead of each node\'s default (/swarm_coverage, /swarm_coverage/<robot>)'),
        OpaqueFunction(function=_controller),
    ])
