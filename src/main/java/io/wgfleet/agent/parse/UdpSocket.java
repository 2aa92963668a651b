package io.wgfleet.agent.parse;

import io.wgfleet.diagnosis.net.IpAddress;

/** A bound UDP socket from /proc/net/udp or /proc/net/udp6. */
public record UdpSocket(IpAddress localAddress, int localPort, long inode) {
}
