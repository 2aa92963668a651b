package io.wgfleet.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.mockwebserver.crud.Attribute;
import io.fabric8.mockwebserver.crud.AttributeSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The lab API server's indexed store answers what the mock's scan answered: names, namespaces, selectors, deletes. */
class IndexedStoreTest {

    @RegisterExtension
    static final LabApiServerExtension LAB = new LabApiServerExtension();
    private static KubernetesClient client;

    @BeforeAll
    static void declare() {
        client = LAB.client();
        for (String ns : List.of("a", "b")) {
            client.resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
        }
        // created out of order: lists come back by namespace, then name
        for (String[] c : new String[][] {{"b", "x", "blue"}, {"a", "y", "red"}, {"a", "x", "blue"}, {"b", "z", "red"}}) {
            client.resource(cm(c[0], c[1], c[2])).create();
        }
        client.resource(new NodeBuilder().withNewMetadata().withName("n1").endMetadata().build()).create();
    }

    private static ConfigMap cm(String ns, String name, String color) {
        return new ConfigMapBuilder().withNewMetadata().withNamespace(ns).withName(name).addToLabels("color", color).endMetadata()
                .addToData("k", ns + "/" + name).build();
    }

    private static List<String> names(List<? extends HasMetadata> items) {
        return items.stream().map(i -> i.getMetadata().getNamespace() + "/" + i.getMetadata().getName()).toList();
    }

    @Test
    void getsByNamespaceAndName() {
        assertEquals("a/x", client.configMaps().inNamespace("a").withName("x").get().getData().get("k"));
        assertEquals("b/x", client.configMaps().inNamespace("b").withName("x").get().getData().get("k"));
        assertNull(client.configMaps().inNamespace("a").withName("z").get());
        assertNull(client.configMaps().inNamespace("c").withName("x").get());
        assertNotNull(client.nodes().withName("n1").get());
        assertNull(client.nodes().withName("n2").get());
    }

    @Test
    void listsSortedAndFilteredBySelectors() {
        assertEquals(List.of("a/x", "a/y", "b/x", "b/z"), names(client.configMaps().inAnyNamespace().list().getItems()));
        assertEquals(List.of("b/x", "b/z"), names(client.configMaps().inNamespace("b").list().getItems()));
        assertEquals(List.of("a/y", "b/z"), names(client.configMaps().inAnyNamespace().withLabel("color", "red").list().getItems()));
        assertEquals(List.of("a/x"), names(client.configMaps().inNamespace("a").withoutLabel("color", "red").list().getItems()));
        assertEquals(List.of("a/x", "b/x"), names(client.configMaps().inAnyNamespace().withField("metadata.name", "x").list().getItems()));
        assertEquals(List.of("b/z"), names(client.configMaps().inAnyNamespace().withField("metadata.namespace", "b")
                .withLabel("color", "red").list().getItems()));
        assertEquals(List.of(), names(client.configMaps().inNamespace("a").withLabel("color", "green").list().getItems()));
    }

    @Test
    void anUpdateMovesTheObjectBetweenSelectorsAndADeleteRemovesIt() {
        client.resource(cm("a", "moving", "red")).create();
        client.configMaps().inNamespace("a").withName("moving").edit(c -> {
            c.getMetadata().getLabels().put("color", "green");
            return c;
        });
        assertEquals(List.of("a/moving"), names(client.configMaps().inNamespace("a").withLabel("color", "green").list().getItems()));
        assertEquals(List.of("a/y"), names(client.configMaps().inNamespace("a").withLabel("color", "red").list().getItems()));
        client.configMaps().inNamespace("a").withName("moving").delete();
        assertNull(client.configMaps().inNamespace("a").withName("moving").get());
        assertEquals(List.of("a/x", "a/y"), names(client.configMaps().inNamespace("a").list().getItems()));
        // a stale update of the deleted object is refused, not stored beside the index
        ConfigMap gone = cm("a", "moving", "red");
        gone.getMetadata().setResourceVersion("1");
        assertThrows(KubernetesClientException.class, () -> client.resource(gone).update());
        assertNull(client.configMaps().inNamespace("a").withName("moving").get());
    }

    @Test
    void aDeleteWithAFinalizerMarksTheObjectUntilTheFinalizerGoes() {
        ConfigMap held = cm("b", "held", "blue");
        held.getMetadata().setFinalizers(List.of("wgfleet.io/test"));
        client.resource(held).create();
        client.configMaps().inNamespace("b").withName("held").delete();
        ConfigMap marked = client.configMaps().inNamespace("b").withName("held").get();
        assertNotNull(marked.getMetadata().getDeletionTimestamp());
        client.configMaps().inNamespace("b").withName("held").edit(c -> {
            c.getMetadata().setFinalizers(List.of());
            return c;
        });
        client.configMaps().inNamespace("b").withName("held").delete();
        assertNull(client.configMaps().inNamespace("b").withName("held").get());
    }

    @Test
    void theStoreNarrowsOnlyByExactValuesAndRefusesMutationsItCannotIndex() {
        IndexedCrudDispatcher.IndexedStore store = new IndexedCrudDispatcher.IndexedStore();
        AttributeSet x = new AttributeSet(new Attribute("plural", "configmaps"), new Attribute("namespace", "a"), new Attribute("name", "x"));
        AttributeSet y = new AttributeSet(new Attribute("plural", "configmaps"), new Attribute("namespace", "b"), new Attribute("name", "y"));
        store.put(x, "x");
        store.put(y, "y");
        assertEquals(List.of(x), List.copyOf(store.candidates(new AttributeSet(new Attribute("plural", "configmaps"),
                new Attribute("namespace", "a")))));
        // "*" matches every value in the mock: it must not narrow
        assertEquals(2, store.candidates(new AttributeSet(new Attribute("plural", "configmaps"), new Attribute("namespace", "*"))).size());
        assertEquals(0, store.candidates(new AttributeSet(new Attribute("plural", "secrets"))).size());
        assertNull(store.candidates(new AttributeSet(new Attribute("namespace", "a"))));
        store.remove(x);
        assertEquals(List.of(y), List.copyOf(store.candidates(new AttributeSet(new Attribute("plural", "configmaps")))));
        assertThrows(UnsupportedOperationException.class, () -> store.putIfAbsent(x, "x"));
        assertThrows(UnsupportedOperationException.class, () -> store.entrySet().clear());
        assertEquals(Map.of(y, "y"), Map.copyOf(store));
    }
}
