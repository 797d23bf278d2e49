"""The SwarmCoverage controller with the bundled simulator, as two ROS 2 processes talking over DDS.

    ros2 launch launch/controller_sim.launch.py                      # 40 TurtleBot3 Burgers, real time
    ros2 launch launch/controller_sim.launch.py speed:=5 rviz:=true  # five times real time, RViz on the target map

Both processes read the same params file (launch/sim_turtlebot3.yaml by default). `swarm_coverage` is the
command that runs the program: the published executable on PATH, or for example
`swarm_coverage:="dotnet /path/to/swarm-coverage.dll"`. Neither process is an rclcpp node: they speak ROS 2 on the
wire through Cyclone DDS, so `ros2 topic list/echo` see their topics (use RMW_IMPLEMENTATION=rmw_cyclonedds_cpp
on the ROS side, and the same ROS_DOMAIN_ID).
"""

import os
import shlex

from launch import LaunchDescription
from launch.actions import DeclareLaunchArgument, ExecuteProcess, OpaqueFunction
from launch.conditions import IfCondition
from launch.substitutions import LaunchConfiguration

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_PARAMS = os.path.join(HERE, 'sim_turtlebot3.yaml')


def _processes(context, *args, **kwargs):
    program = shlex.split(LaunchConfiguration('swarm_coverage').perform(context))
    params = LaunchConfiguration('params_file').perform(context)
    speed = LaunchConfiguration('speed').perform(context)
    cmd_type = LaunchConfiguration('cmd_vel_type').perform(context)
    sim = ExecuteProcess(
        cmd=program + ['sim', '--params', params, '--speed', speed, '--cmd-vel-type', cmd_type],
        name='swarm_coverage_sim', output='screen')
    controller = ExecuteProcess(
        cmd=program + ['controller', '--params', params],
        name='swarm_coverage', output='screen',
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
        DeclareLaunchArgument('rviz', default_value='false', description='Start RViz (needs a ROS 2 desktop install)'),
        OpaqueFunction(function=_processes),
        ExecuteProcess(cmd=['rviz2', '-d', os.path.join(HERE, 'swarm_coverage.rviz')],
                       condition=IfCondition(LaunchConfiguration('rviz')), output='screen'),
    ])
