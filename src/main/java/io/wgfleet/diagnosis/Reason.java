package io.wgfleet.diagnosis;

/**
 * The reason catalogue (docs/reasons.md, one section per constant): every reason the engine can give, declared in
 * layer order. The enum's name is the exact CamelCase string written to a Kubernetes
 * condition's {@code reason}. The declaration order is the root-cause priority: when
 * several reasons are proven at once, the one declared first is the root cause and the
 * others are reported as findings.
 */
public enum Reason {
    InvalidSpec(Layer.SPEC),
    DuplicatePublicKey(Layer.SPEC),
    AllowedIPsOverlap(Layer.SPEC),
    NoMatchingNodes(Layer.PLACEMENT),
    InterfaceMissing(Layer.SERVICE),
    InterfaceDown(Layer.SERVICE),
    PeerNotConfigured(Layer.SERVICE),
    ConfigDrift(Layer.SERVICE),
    NotListening(Layer.SERVICE),
    NoEndpoint(Layer.REACHABILITY),
    EndpointUnresolvable(Layer.REACHABILITY),
    StaleEndpointDNS(Layer.REACHABILITY),
    EndpointMismatch(Layer.REACHABILITY),
    PortMismatch(Layer.REACHABILITY),
    UDPPortBlocked(Layer.FIREWALL),
    PacketsNotArriving(Layer.PATH),
    BehindCGNAT(Layer.NAT),
    PublicKeyMismatch(Layer.CRYPTO),
    PeerUnknownToRemote(Layer.CRYPTO),
    PresharedKeyMismatch(Layer.CRYPTO),
    NoResponse(Layer.PATH_ONE_SIDED),
    AllowedIPsMismatch(Layer.ROUTING),
    RouteConflict(Layer.ROUTING),
    MTUBlackhole(Layer.ROUTING),
    HandshakeStale(Layer.LIVENESS),
    KeepaliveMissing(Layer.LIVENESS),
    Connected(Layer.HEALTHY),
    DiagnosticPending(Layer.UNKNOWN),
    Inconclusive(Layer.UNKNOWN),
    DiagnosticFailed(Layer.UNKNOWN);

    /** The field guide's layers, in the order a person checks them. */
    public enum Layer {
        SPEC, PLACEMENT, SERVICE, REACHABILITY, FIREWALL, PATH, NAT, CRYPTO, PATH_ONE_SIDED,
        ROUTING, LIVENESS, HEALTHY, UNKNOWN
    }

    private final Layer layer;

    Reason(Layer layer) {
        this.layer = layer;
    }

    public Layer layer() {
        return layer;
    }

    /** True for the reasons that mean "not proven either way" (condition status Unknown). */
    public boolean isUnknown() {
        return layer == Layer.UNKNOWN;
    }

    /** True for reasons that name a fault (neither healthy nor unknown). */
    public boolean isFault() {
        return layer != Layer.HEALTHY && layer != Layer.UNKNOWN;
    }
}
