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
"""

import os
import shlex

from launch import LaunchDescription
from launch.actions import DeclareLaunchArgument, ExecuteProcess, OpaqueFunction
from launch.substitutions import LaunchConfiguration

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_PARAMS = os.path.join(HERE, 'real_turtlebot3.yaml')


def _controller(context, *args, **kwargs):
    program = shlex.split(LaunchConfiguration('swarm_coverage').perform(context))
    params = LaunchConfiguration('params_file').perform(context)
    robot = LaunchConfiguration('robot').perform(context)
    cmd = program + ['controller', '--params', params]
    name = 'swarm_coverage'
    if robot:
        cmd += ['--robot', robot]
        name += '_' + robot
    return [ExecuteProcess(cmd=cmd, name=name, output='screen', sigterm_timeout='5')]


def generate_launch_description():
    return LaunchDescription([
        DeclareLaunchArgument('swarm_coverage', default_value='swarm-coverage',
                              description='Command that runs the swarm-coverage program'),
        DeclareLaunchArgument('params_file', default_value=DEFAULT_PARAMS,
                              description='ROS 2 params file of the controller'),
        DeclareLaunchArgument('robot', default_value='',
                              description='Decentralized mode: the one robot this instance commands'),
        OpaqueFunction(function=_controller),
    ])
