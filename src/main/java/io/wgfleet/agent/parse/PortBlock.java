package io.wgfleet.agent.parse;

/**
 * A firewall rule (or chain policy) that drops or rejects UDP to a listen port.
 *
 * @param backend "nftables", "iptables-legacy" or "iptables-nft" (the iptables tools of that backend)
 * @param family  nft table family, or "ip"/"ip6" for iptables-save/ip6tables-save
 * @param handle  nft rule handle, iptables 1-based position in its chain; null for a chain policy
 * @param packets the rule's counter when it has one, else null
 */
public record PortBlock(String backend, int port, String family, String table, String chain, Long handle,
                        String verdict, String rule, Long packets) {
}
