package io.wgfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import java.util.Objects;

/** A reference to another WireGuardPeer. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class PeerRef {

    @Required
    @JsonPropertyDescription("Name of the WireGuardPeer.")
    private String name;

    @JsonPropertyDescription("Namespace of the WireGuardPeer (default: the referring peer's namespace).")
    private String namespace;

    public PeerRef() {
    }

    public PeerRef(String name, String namespace) {
        this.name = name;
        this.namespace = namespace;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getNamespace() {
        return namespace;
    }

    public void setNamespace(String namespace) {
        this.namespace = namespace;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PeerRef r && Objects.equals(name, r.name) && Objects.equals(namespace, r.namespace);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, namespace);
    }
}
