// A Fast DDS 2.9 participant that behaves like a ROS 2 node on rmw_fastrtps_cpp for one topic:
// DDS topic rt/<name>, type geometry_msgs::msg::dds_::Twist_, ROS default QoS (reliable, volatile,
// keep last 10). UDPv4 only, unicast discovery to 127.0.0.1 (the test's loopback-only namespace).
//
//   fastdds_twist_peer listen <domain> <dds topic> <timeout s>  prints "TWIST lx ly lz ax ay az" for the first sample
//   fastdds_twist_peer talk <domain> <dds topic> <timeout s> lx ly lz ax ay az   once matched, publishes the Twist
//     every 50 ms for 3 s (the reader may discover the writer after the writer discovered it, and a volatile
//     reader does not ask for samples written before it matched)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>

#include <fastdds/dds/domain/DomainParticipant.hpp>
#include <fastdds/dds/domain/DomainParticipantFactory.hpp>
#include <fastdds/dds/publisher/DataWriter.hpp>
#include <fastdds/dds/publisher/Publisher.hpp>
#include <fastdds/dds/subscriber/DataReader.hpp>
#include <fastdds/dds/subscriber/SampleInfo.hpp>
#include <fastdds/dds/subscriber/Subscriber.hpp>
#include <fastdds/dds/topic/TypeSupport.hpp>
#include <fastdds/rtps/transport/UDPv4TransportDescriptor.h>
#include <fastrtps/utils/IPLocator.h>

#include "TwistPubSubTypes.h"

using namespace eprosima::fastdds::dds;
using eprosima::fastrtps::rtps::IPLocator;
using eprosima::fastrtps::rtps::Locator_t;
using geometry_msgs::msg::dds_::Twist_;
using geometry_msgs::msg::dds_::Twist_PubSubType;

static void ros_default_qos(ReliabilityQosPolicy& reliability, DurabilityQosPolicy& durability, HistoryQosPolicy& history)
{
    reliability.kind = RELIABLE_RELIABILITY_QOS;
    durability.kind = VOLATILE_DURABILITY_QOS;
    history.kind = KEEP_LAST_HISTORY_QOS;
    history.depth = 10;
}

int main(int argc, char** argv)
{
    if (argc < 5)
    {
        std::fprintf(stderr, "usage: %s listen|talk <domain> <dds topic> <timeout s> [lx ly lz ax ay az]\n", argv[0]);
        return 2;
    }
    const std::string mode = argv[1];
    const int domain = std::atoi(argv[2]);
    const std::string topic_name = argv[3];
    const auto timeout = std::chrono::duration<double>(std::atof(argv[4]));

    DomainParticipantQos pqos;
    pqos.name("fastdds_twist_peer");
    pqos.transport().use_builtin_transports = false;
    pqos.transport().user_transports.push_back(std::make_shared<eprosima::fastdds::rtps::UDPv4TransportDescriptor>());
    Locator_t peer;
    IPLocator::setIPv4(peer, 127, 0, 0, 1);
    pqos.wire_protocol().builtin.initialPeersList.push_back(peer);

    DomainParticipant* participant = DomainParticipantFactory::get_instance()->create_participant(domain, pqos);
    if (participant == nullptr)
    {
        std::fprintf(stderr, "create_participant failed\n");
        return 1;
    }
    TypeSupport type(new Twist_PubSubType());
    type.register_type(participant);
    Topic* topic = participant->create_topic(topic_name, type.get_type_name(), TOPIC_QOS_DEFAULT);
    std::printf("TYPE %s\n", type.get_type_name().c_str());
    std::fflush(stdout);

    int rc = 3;
    const auto start = std::chrono::steady_clock::now();
    if (mode == "listen")
    {
        Subscriber* subscriber = participant->create_subscriber(SUBSCRIBER_QOS_DEFAULT);
        DataReaderQos rqos = DATAREADER_QOS_DEFAULT;
        ros_default_qos(rqos.reliability(), rqos.durability(), rqos.history());
        DataReader* reader = subscriber->create_datareader(topic, rqos);
        while (std::chrono::steady_clock::now() - start < timeout)
        {
            if (!reader->wait_for_unread_message(eprosima::fastrtps::Duration_t(0, 100000000)))
            {
                continue;
            }
            Twist_ twist;
            SampleInfo info;
            if (reader->take_next_sample(&twist, &info) == ReturnCode_t::RETCODE_OK && info.valid_data)
            {
                std::printf("TWIST %.17g %.17g %.17g %.17g %.17g %.17g\n",
                    twist.linear().x(), twist.linear().y(), twist.linear().z(),
                    twist.angular().x(), twist.angular().y(), twist.angular().z());
                rc = 0;
                break;
            }
        }
        subscriber->delete_datareader(reader);
        participant->delete_subscriber(subscriber);
    }
    else if (mode == "talk" && argc >= 11)
    {
        Publisher* publisher = participant->create_publisher(PUBLISHER_QOS_DEFAULT);
        DataWriterQos wqos = DATAWRITER_QOS_DEFAULT;
        ros_default_qos(wqos.reliability(), wqos.durability(), wqos.history());
        DataWriter* writer = publisher->create_datawriter(topic, wqos);
        PublicationMatchedStatus matched;
        while (std::chrono::steady_clock::now() - start < timeout)
        {
            writer->get_publication_matched_status(matched);
            if (matched.current_count > 0)
            {
                Twist_ twist;
                twist.linear().x(std::atof(argv[5]));
                twist.linear().y(std::atof(argv[6]));
                twist.linear().z(std::atof(argv[7]));
                twist.angular().x(std::atof(argv[8]));
                twist.angular().y(std::atof(argv[9]));
                twist.angular().z(std::atof(argv[10]));
                for (int i = 0; i < 60; i++)
                {
                    writer->write(&twist);
                    std::this_thread::sleep_for(std::chrono::milliseconds(50));
                }
                writer->wait_for_acknowledgments(eprosima::fastrtps::Duration_t(5, 0));
                std::printf("SENT\n");
                rc = 0;
                break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        publisher->delete_datawriter(writer);
        participant->delete_publisher(publisher);
    }
    else
    {
        std::fprintf(stderr, "unknown mode '%s' or missing arguments\n", mode.c_str());
        rc = 2;
    }

    participant->delete_topic(topic);
    DomainParticipantFactory::get_instance()->delete_participant(participant);
    std::fflush(stdout);
    return rc;
}
