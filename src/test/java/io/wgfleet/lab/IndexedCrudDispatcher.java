package io.wgfleet.lab;

import io.fabric8.kubernetes.client.server.mock.KubernetesAttributesExtractor;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesResponseComposer;
import io.fabric8.mockwebserver.crud.Attribute;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.crud.AttributeType;
import io.fabric8.mockwebserver.crud.CrudDispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.HttpURLConnection;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The CRUD mock with its store indexed by resource, namespace and name. The mock finds an
 * object by testing every stored object against the request's attributes, on every get, list,
 * update, patch and delete: at 10,000 peers plus their nodes, Jobs and Events a status write
 * cost tens of milliseconds and the lab API server stored about 25 writes a second.
 *
 * <p>Only the finding changes. The mock's store stays the one map, replaced by an
 * {@link IndexedStore} that indexes every key as it is put or removed, whoever puts it; every
 * request still goes through the mock's own handlers (resourceVersion, uid, generation,
 * finalizers, watch events) and every candidate the index yields is still tested with the
 * mock's own {@code matches}, so label and field selectors mean what they meant. The index
 * narrows to one resource (group and plural), then to a namespace, then to a name, when the
 * request names them (path, or {@code metadata.namespace} / {@code metadata.name} field
 * selectors). The label selectors in use (Jobs by {@code app.kubernetes.io/name}) select
 * every object of their resource, so a label index would not narrow them. Lists come out
 * sorted by namespace and name, as a real API server lists them (by etcd key).
 */
class IndexedCrudDispatcher extends KubernetesCrudDispatcher {

    private final IndexedStore store = new IndexedStore();
    private final ReadWriteLock lock;
    private final AtomicLong resourceVersion;
    private final Method processDelete;

    IndexedCrudDispatcher() {
        super();
        try {
            // the mock's store, its lock and its resourceVersion counter are private to it
            Field map = CrudDispatcher.class.getDeclaredField("map");
            map.setAccessible(true);
            map.set(this, store);
            this.lock = (ReadWriteLock) read(KubernetesCrudDispatcher.class, "lock");
            this.resourceVersion = (AtomicLong) read(KubernetesCrudDispatcher.class, "resourceVersion");
            this.processDelete = KubernetesCrudDispatcher.class.getDeclaredMethod("processDelete", String.class, AttributeSet.class,
                    AttributeSet.class);
            this.processDelete.setAccessible(true);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the fabric8 CRUD mock changed: cannot index its store", e);
        }
    }

    private Object read(Class<?> owner, String name) throws ReflectiveOperationException {
        Field f = owner.getDeclaredField(name);
        f.setAccessible(true);
        return f.get(this);
    }

    /** Called by the mock's create, update and patch handlers with its lock held. */
    @Override
    public Map.Entry<AttributeSet, String> findResource(AttributeSet query) {
        Collection<AttributeSet> candidates = store.candidates(query);
        if (candidates == null) {
            return super.findResource(query);
        }
        for (AttributeSet key : candidates) {
            if (key.matches(query)) {
                return new AbstractMap.SimpleImmutableEntry<>(key, store.get(key));
            }
        }
        return null;
    }

    @Override
    public MockResponse handleGet(String path) {
        if (isWatch(path)) {
            return super.handleGet(path);
        }
        AttributeSet query = attributeExtractor.fromPath(path);
        return locked(lock.readLock(), () -> {
            List<AttributeSet> found = matching(query);
            if (found == null) {
                return super.handleGet(path);
            }
            if (query.containsKey(KubernetesAttributesExtractor.NAME)) {
                return found.isEmpty() ? new MockResponse().setResponseCode(HttpURLConnection.HTTP_NOT_FOUND)
                        : new MockResponse().setResponseCode(HttpURLConnection.HTTP_OK).setBody(store.get(found.get(0)));
            }
            List<String> items = new ArrayList<>(found.size());
            found.forEach(k -> items.add(store.get(k)));
            return new MockResponse().setResponseCode(HttpURLConnection.HTTP_OK)
                    .setBody(((KubernetesResponseComposer) responseComposer).compose(items, String.valueOf(resourceVersion.get())));
        });
    }

    /** A named delete through the index; a delete of a collection goes through the mock's scan. */
    @Override
    public MockResponse handleDelete(String path) {
        AttributeSet query = attributeExtractor.fromPath(path);
        if (!query.containsKey(KubernetesAttributesExtractor.NAME)) {
            return super.handleDelete(path);
        }
        return locked(lock.writeLock(), () -> {
            List<AttributeSet> found = matching(query);
            if (found == null) {
                return super.handleDelete(path);
            }
            if (found.isEmpty()) {
                return new MockResponse().setResponseCode(HttpURLConnection.HTTP_NOT_FOUND);
            }
            String before = store.get(found.get(0));
            for (AttributeSet key : found) {
                try {
                    // the mock's own delete: finalizers, deletionTimestamp, the DELETED event
                    processDelete.invoke(this, path, query, key);
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                } catch (InvocationTargetException e) {
                    throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                }
            }
            return new MockResponse().setResponseCode(HttpURLConnection.HTTP_OK).setBody(before);
        });
    }

    /** The stored keys matching {@code query}, in namespace and name order; null when the index cannot narrow it. */
    private List<AttributeSet> matching(AttributeSet query) {
        Collection<AttributeSet> candidates = store.candidates(query);
        if (candidates == null) {
            return null;
        }
        List<AttributeSet> out = new ArrayList<>();
        for (AttributeSet key : candidates) {
            if (key.matches(query)) {
                out.add(key);
            }
        }
        return out;
    }

    private static boolean isWatch(String path) {
        int q = path.indexOf('?');
        return q >= 0 && path.indexOf("watch=true", q) > 0;
    }

    private static <T> T locked(Lock l, java.util.function.Supplier<T> body) {
        l.lock();
        try {
            return body.get();
        } finally {
            l.unlock();
        }
    }

    /**
     * The mock's map with an index of its keys: resource ("group/plural") -> namespace ("" when
     * cluster-scoped) -> name -> keys. Every mutation the mock makes (put, remove, clear) keeps
     * it; the others are refused, so that a mock that starts using them fails loudly here
     * instead of answering from a stale index.
     */
    static final class IndexedStore extends LinkedHashMap<AttributeSet, String> {

        private final Map<String, TreeMap<String, TreeMap<String, Set<AttributeSet>>>> byResource = new HashMap<>();
        /** Keys without a plural (the index cannot place them): every lookup includes them. */
        private final Set<AttributeSet> unplaced = new LinkedHashSet<>();

        @Override
        public String put(AttributeSet key, String value) {
            String old = super.put(key, value);
            if (old == null) {
                String resource = resource(key);
                if (resource == null) {
                    unplaced.add(key);
                } else {
                    byResource.computeIfAbsent(resource, r -> new TreeMap<>())
                            .computeIfAbsent(value(key, KubernetesAttributesExtractor.NAMESPACE, ""), n -> new TreeMap<>())
                            .computeIfAbsent(value(key, KubernetesAttributesExtractor.NAME, ""), n -> new LinkedHashSet<>(2))
                            .add(key);
                }
            }
            return old;
        }

        @Override
        public String remove(Object o) {
            String old = super.remove(o);
            if (old != null && o instanceof AttributeSet key) {
                String resource = resource(key);
                if (resource == null) {
                    unplaced.remove(key);
                } else {
                    var namespaces = byResource.get(resource);
                    var names = namespaces.get(value(key, KubernetesAttributesExtractor.NAMESPACE, ""));
                    String name = value(key, KubernetesAttributesExtractor.NAME, "");
                    Set<AttributeSet> keys = names.get(name);
                    keys.remove(key);
                    if (keys.isEmpty()) {
                        names.remove(name);
                    }
                }
            }
            return old;
        }

        @Override
        public void clear() {
            super.clear();
            byResource.clear();
            unplaced.clear();
        }

        @Override
        public void putAll(Map<? extends AttributeSet, ? extends String> m) {
            m.forEach(this::put);
        }

        @Override
        public String putIfAbsent(AttributeSet key, String value) {
            throw unindexed();
        }

        @Override
        public String computeIfAbsent(AttributeSet key, Function<? super AttributeSet, ? extends String> f) {
            throw unindexed();
        }

        @Override
        public String computeIfPresent(AttributeSet key, BiFunction<? super AttributeSet, ? super String, ? extends String> f) {
            throw unindexed();
        }

        @Override
        public String compute(AttributeSet key, BiFunction<? super AttributeSet, ? super String, ? extends String> f) {
            throw unindexed();
        }

        @Override
        public String merge(AttributeSet key, String value, BiFunction<? super String, ? super String, ? extends String> f) {
            throw unindexed();
        }

        @Override
        public boolean remove(Object key, Object value) {
            throw unindexed();
        }

        @Override
        public Set<AttributeSet> keySet() {
            return java.util.Collections.unmodifiableSet(super.keySet());
        }

        @Override
        public Set<Map.Entry<AttributeSet, String>> entrySet() {
            // read-only: the mock streams it; a removal through it would bypass the index
            return java.util.Collections.unmodifiableSet(super.entrySet());
        }

        private static UnsupportedOperationException unindexed() {
            return new UnsupportedOperationException("the indexed lab store supports put, remove and clear only");
        }

        /**
         * The keys that can match {@code query}, a superset narrowed by what the query names;
         * null when it names no resource (the caller scans).
         */
        Collection<AttributeSet> candidates(AttributeSet query) {
            String resource = resource(query);
            if (resource == null) {
                return null;
            }
            List<AttributeSet> out = new ArrayList<>(unplaced);
            var namespaces = byResource.get(resource);
            if (namespaces == null) {
                return out;
            }
            String ns = exact(query, KubernetesAttributesExtractor.NAMESPACE);
            if (ns == null) {
                ns = exact(query, KubernetesAttributesExtractor.METADATA_NAMESPACE);
            }
            String name = exact(query, KubernetesAttributesExtractor.NAME);
            if (name == null) {
                name = exact(query, KubernetesAttributesExtractor.METADATA_NAME);
            }
            Collection<TreeMap<String, Set<AttributeSet>>> inNamespaces;
            if (ns != null) {
                var one = namespaces.get(ns);
                inNamespaces = one == null ? List.of() : List.of(one);
            } else {
                inNamespaces = namespaces.values();
            }
            for (var names : inNamespaces) {
                if (name != null) {
                    Set<AttributeSet> keys = names.get(name);
                    if (keys != null) {
                        out.addAll(keys);
                    }
                } else {
                    names.values().forEach(out::addAll);
                }
            }
            return out;
        }

        /** "group/plural" of a stored key or a query; null without a plural. */
        private static String resource(AttributeSet set) {
            String plural = exact(set, KubernetesAttributesExtractor.PLURAL);
            return plural == null ? null : value(set, KubernetesAttributesExtractor.API, "") + "/" + plural;
        }

        private static String value(AttributeSet set, String key, String dflt) {
            String v = exact(set, key);
            return v == null ? dflt : v;
        }

        /** The value a set requires for {@code key}, when it requires exactly one (no wildcard). */
        private static String exact(AttributeSet set, String key) {
            Attribute a = set.getAttribute(key);
            if (a == null || a.getType() != AttributeType.WITH || a.getValues().size() != 1) {
                return null;
            }
            String v = a.getValues().get(0).toString();
            // the mock's Value "*" equals every value
            return "*".equals(v) ? null : v;
        }
    }
}
