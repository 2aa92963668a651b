package io.wgfleet.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Builds the next condition list from the previous one. lastTransitionTime moves only
 * when a condition's status flips (API conventions), so a reconcile that learns
 * nothing new produces an identical list and no status write.
 */
public final class ConditionMerger {

    /** Kubernetes caps a condition message at 32768 bytes; stay well below. */
    static final int MAX_MESSAGE = 4096;

    private ConditionMerger() {
    }

    public static List<Condition> merge(List<Condition> previous, List<DesiredCondition> desired, Long generation, Instant now) {
        Map<String, Condition> old = previous == null ? Map.of()
                : previous.stream().filter(c -> c.getType() != null)
                        .collect(Collectors.toMap(Condition::getType, Function.identity(), (a, b) -> a));
        String nowText = now.truncatedTo(ChronoUnit.SECONDS).toString();
        List<Condition> next = new ArrayList<>();
        for (DesiredCondition d : desired) {
            Condition before = old.get(d.type().type());
            boolean flipped = before == null || !Objects.equals(before.getStatus(), d.status());
            Condition c = new Condition();
            c.setType(d.type().type());
            c.setStatus(d.status());
            c.setReason(d.reason());
            c.setMessage(truncate(d.message()));
            c.setObservedGeneration(generation);
            c.setLastTransitionTime(flipped || before.getLastTransitionTime() == null ? nowText : before.getLastTransitionTime());
            next.add(c);
        }
        return next;
    }

    /** The condition of a type in a list, or null. */
    public static Condition find(List<Condition> conditions, ConditionType type) {
        if (conditions == null) {
            return null;
        }
        return conditions.stream().filter(c -> type.type().equals(c.getType())).findFirst().orElse(null);
    }

    static String truncate(String message) {
        if (message == null || message.length() <= MAX_MESSAGE) {
            return message;
        }
        return message.substring(0, MAX_MESSAGE - 1) + "…";
    }
}
