package io.wgfleet.operator.publish;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Writes core/v1 Events about a resource (the kind {@code kubectl describe} lists).
 * An Event's name is derived from the object, type, reason and message, so the same
 * transition repeating bumps the count of one Event, as the kubelet aggregates,
 * instead of flooding the namespace. Failing to record never fails a reconcile.
 *
 * <p>Each occurrence carries its own id ({@link #OCCURRENCE}): a create the server applied
 * but answered with an error is retried by the client and refused as existing, and without
 * the id that refusal would count our own occurrence a second time.
 */
@Singleton
public class PeerEventRecorder {

    public static final String COMPONENT = "wgfleet-operator";
    static final int MAX_NOTE = 1024;
    /** The id of the last occurrence counted on an Event. */
    public static final String OCCURRENCE = "wgfleet.io/occurrence";
    private static final Logger LOG = Logger.getLogger(PeerEventRecorder.class);

    private final KubernetesClient client;
    private final Clock clock;

    @Inject
    public PeerEventRecorder(KubernetesClient client, Clock clock) {
        this.client = client;
        this.clock = clock;
    }

    public void warning(HasMetadata about, String reason, String message) {
        record(about, "Warning", reason, message);
    }

    public void normal(HasMetadata about, String reason, String message) {
        record(about, "Normal", reason, message);
    }

    void record(HasMetadata about, String type, String reason, String message) {
        String note = message == null ? "" : message.length() > MAX_NOTE ? message.substring(0, MAX_NOTE - 1) + "…" : message;
        String ns = about.getMetadata().getNamespace() == null ? "default" : about.getMetadata().getNamespace();
        String name = about.getMetadata().getName() + "." + digest(about.getMetadata().getUid() + "|" + type + "|" + reason + "|" + note);
        String now = Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
        String occurrence = UUID.randomUUID().toString();
        try {
            Event event = new EventBuilder()
                    .withNewMetadata().withName(name).withNamespace(ns).addToAnnotations(OCCURRENCE, occurrence).endMetadata()
                    .withNewInvolvedObject()
                        .withApiVersion(about.getApiVersion())
                        .withKind(about.getKind())
                        .withName(about.getMetadata().getName())
                        .withNamespace(about.getMetadata().getNamespace())
                        .withUid(about.getMetadata().getUid())
                        .withResourceVersion(about.getMetadata().getResourceVersion())
                    .endInvolvedObject()
                    .withType(type)
                    .withReason(reason)
                    .withMessage(note)
                    .withCount(1)
                    .withFirstTimestamp(now)
                    .withLastTimestamp(now)
                    .withEventTime(new MicroTime(Instant.now(clock).truncatedTo(ChronoUnit.MICROS).toString()))
                    .withReportingComponent(COMPONENT)
                    .withReportingInstance(COMPONENT)
                    .withAction("Diagnose")
                    .withNewSource().withComponent(COMPONENT).endSource()
                    .build();
            try {
                client.v1().events().inNamespace(ns).resource(event).create();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
                // the same transition again (unless the Event is this very occurrence): count it on the existing Event
                client.v1().events().inNamespace(ns).withName(name).edit(x -> {
                    Map<String, String> annotations = x.getMetadata().getAnnotations() == null ? new HashMap<>()
                            : new HashMap<>(x.getMetadata().getAnnotations());
                    if (occurrence.equals(annotations.get(OCCURRENCE))) {
                        return x;
                    }
                    annotations.put(OCCURRENCE, occurrence);
                    x.getMetadata().setAnnotations(annotations);
                    x.setCount(x.getCount() == null ? 2 : x.getCount() + 1);
                    x.setLastTimestamp(now);
                    return x;
                });
            }
        } catch (KubernetesClientException e) {
            LOG.warnf("could not record event %s/%s (%s): %s", ns, name, reason, e.getMessage());
        }
    }

    private static String digest(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
        }
    }
}
