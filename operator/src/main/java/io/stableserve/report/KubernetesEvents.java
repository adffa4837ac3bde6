package io.stableserve.report;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Core v1 Events ({@code create} on {@code events}). A failure to record is logged, never fatal:
 * the status says the same.
 */
public final class KubernetesEvents implements EventRecorder {

  public static final String COMPONENT = "stableserve";
  private static final Logger LOG = LoggerFactory.getLogger(KubernetesEvents.class);
  /** Kubernetes caps an Event message at 1 KiB. */
  private static final int MAX_MESSAGE = 1024;

  private final KubernetesClient client;
  private final Clock clock;
  private final AtomicLong sequence = new AtomicLong();

  public KubernetesEvents(KubernetesClient client, Clock clock) {
    this.client = Objects.requireNonNull(client, "Kubernetes client");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public void record(HasMetadata about, String type, String reason, String message) {
    String now = clock.instant().toString();
    String namespace = about.getMetadata().getNamespace();
    String text = message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE - 1) + "…" : message;
    var event = new EventBuilder()
        .withNewMetadata()
          .withName(about.getMetadata().getName() + "." + Long.toHexString(clock.millis()) + Long.toHexString(sequence.incrementAndGet()))
          .withNamespace(namespace)
        .endMetadata()
        .withInvolvedObject(new ObjectReferenceBuilder()
            .withApiVersion(about.getApiVersion()).withKind(about.getKind())
            .withName(about.getMetadata().getName()).withNamespace(namespace)
            .withUid(about.getMetadata().getUid()).withResourceVersion(about.getMetadata().getResourceVersion())
            .build())
        .withType(type)
        .withReason(reason)
        .withMessage(text)
        .withFirstTimestamp(now)
        .withLastTimestamp(now)
        .withCount(1)
        .withNewSource().withComponent(COMPONENT).endSource()
        .withReportingComponent(COMPONENT)
        .build();
    try {
      client.v1().events().inNamespace(namespace).resource(event).create();
    } catch (KubernetesClientException e) {
      LOG.warn("could not record event {} on {}/{}: {}", reason, namespace, about.getMetadata().getName(), e.getMessage());
    }
  }
}
