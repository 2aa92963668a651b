package io.wgfleet.agent.collect;

import io.wgfleet.agent.exec.CommandResult;
import io.wgfleet.agent.exec.CommandRunner;
import io.wgfleet.agent.parse.IptablesSaveParser;
import io.wgfleet.agent.parse.NftRulesetParser;
import io.wgfleet.agent.parse.ParseException;
import io.wgfleet.agent.parse.PortBlock;
import io.wgfleet.api.v1alpha1.CollectionError;
import io.wgfleet.api.v1alpha1.FirewallFinding;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Finds the firewall rules that drop or reject UDP to the listen ports, in every backend a
 * Linux node may use at once: nftables ({@code nft -j list ruleset}), iptables-legacy (x_tables,
 * invisible to nft: {@code iptables-legacy-save -c}) and iptables-nft ({@code iptables-nft-save -c}).
 *
 * <p>iptables-nft writes its rules into nft tables (ip/ip6 filter, raw, mangle, ...), so nft
 * shows them too; but nft's JSON prints an iptables match it has no syntax for as a bare
 * {@code xt} name (a {@code -m multiport --dports 53,123} rule would read as "all UDP"), and
 * nft itself warns that those tables are iptables-nft's to edit. So the tables iptables-nft-save
 * prints are reported from its view (exact matches, the position {@code iptables -D} takes, and
 * the right tool in the fix); nft's view is used for every other table, and for those too when
 * iptables-nft-save is missing or fails.
 */
final class FirewallCollector {

    private final CommandRunner runner;

    FirewallCollector(CommandRunner runner) {
        this.runner = runner;
    }

    void collect(Set<Integer> ports, List<FirewallFinding> findings, List<CollectionError> errors) {
        List<PortBlock> nftBlocks = new ArrayList<>();
        CommandResult nft = runner.run(NodeCommands.NFT_RULESET, NodeCommands.TIMEOUT);
        if (nft.commandMissing()) {
            errors.add(new CollectionError("nft", "nft is not installed: nftables rules were not inspected"));
        } else if (!nft.succeeded()) {
            errors.add(new CollectionError("nft", "nft -j list ruleset: " + nft.firstErrorLine()));
        } else {
            try {
                nftBlocks.addAll(NftRulesetParser.blockingRules(nft.stdout(), ports, FactCollector.OWN_TABLE));
            } catch (ParseException e) {
                errors.add(new CollectionError("nft", e.getMessage()));
            }
        }
        List<PortBlock> blocks = new ArrayList<>();
        // "family\0table" of the nft tables iptables-nft-save has read
        Set<String> readByIptablesNft = new HashSet<>();
        boolean anySave = false;
        for (String family : List.of("ip", "ip6")) {
            boolean v6 = family.equals("ip6");
            List<List<String>> saves = List.of(
                    v6 ? NodeCommands.IP6TABLES_LEGACY_SAVE : NodeCommands.IPTABLES_LEGACY_SAVE,
                    v6 ? NodeCommands.IP6TABLES_NFT_SAVE : NodeCommands.IPTABLES_NFT_SAVE);
            boolean ran = false;
            for (List<String> cmd : saves) {
                ran |= save(cmd, ports, family, blocks, readByIptablesNft, errors);
            }
            if (!ran) {
                // an iptables without the per-backend names (older, or not Debian's packaging)
                ran = save(v6 ? NodeCommands.IP6TABLES_SAVE : NodeCommands.IPTABLES_SAVE, ports, family, blocks, readByIptablesNft, errors);
            }
            anySave |= ran;
        }
        if (!anySave) {
            CommandResult names = runner.run(NodeCommands.IPTABLES_NAMES, NodeCommands.TIMEOUT);
            if (names.succeeded() && !names.stdout().isBlank()) {
                errors.add(new CollectionError("iptables",
                        "legacy iptables tables are loaded but no iptables-save is installed: those rules were not inspected"));
            }
        }
        // the same rule twice (nft's view of an iptables-nft table) would read as two rules
        nftBlocks.stream().filter(b -> !readByIptablesNft.contains(b.family() + "\u0000" + b.table())).forEach(blocks::add);
        for (PortBlock b : blocks) {
            FirewallFinding f = new FirewallFinding();
            f.setBackend(b.backend());
            f.setPort(b.port());
            f.setFamily(b.family());
            f.setTable(b.table());
            f.setChain(b.chain());
            f.setHandle(b.handle());
            f.setVerdict(b.verdict());
            f.setRule(b.rule());
            f.setPackets(b.packets());
            findings.add(f);
        }
    }

    /** Runs one save command; false when it is not installed. */
    private boolean save(List<String> cmd, Set<Integer> ports, String family, List<PortBlock> blocks,
                         Set<String> readByIptablesNft, List<CollectionError> errors) {
        CommandResult save = runner.run(cmd, NodeCommands.TIMEOUT);
        if (save.commandMissing()) {
            return false;
        }
        if (!save.succeeded()) {
            errors.add(new CollectionError("iptables", String.join(" ", cmd) + ": " + save.firstErrorLine()));
            return true;
        }
        try {
            IptablesSaveParser.Result res = IptablesSaveParser.parse(save.stdout(), ports, family);
            blocks.addAll(res.blocks());
            if (res.nfTablesBackend()) {
                res.tables().forEach(t -> readByIptablesNft.add(family + "\u0000" + t));
            }
        } catch (ParseException e) {
            errors.add(new CollectionError("iptables", e.getMessage()));
        }
        return true;
    }
}
