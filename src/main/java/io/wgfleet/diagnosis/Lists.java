package io.wgfleet.diagnosis;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Null-tolerant list copying: the engine's inputs come from hand-written YAML and may hold nulls. */
final class Lists {
    private Lists() {
    }

    /** An immutable copy without null elements; an empty list for null. */
    static <T> List<T> clean(List<T> list) {
        if (list == null || list.isEmpty()) {
            return List.of();
        }
        List<T> out = new ArrayList<>(list.size());
        for (T t : list) {
            if (t != null) {
                out.add(t);
            }
        }
        return Collections.unmodifiableList(out);
    }
}
