package io.stableserve.reconcile;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.stableserve.api.SecretKeyRef;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/** {@code get} on the one Secret a spec names (see {@link io.stableserve.api.OperatorPermissions#NAMED_SECRETS}). */
public final class KubernetesSecrets implements SecretReader {

  private final KubernetesClient client;

  public KubernetesSecrets(KubernetesClient client) {
    this.client = Objects.requireNonNull(client, "Kubernetes client");
  }

  @Override
  public String read(String namespace, SecretKeyRef ref) throws SecretUnavailableException {
    Secret secret;
    try {
      secret = client.secrets().inNamespace(namespace).withName(ref.getName()).get();
    } catch (KubernetesClientException e) {
      throw new SecretUnavailableException("Secret " + namespace + "/" + ref.getName() + " could not be read (HTTP "
          + e.getCode() + "): grant the operator get on it with a Role in " + namespace);
    }
    if (secret == null) {
      throw new SecretUnavailableException("Secret " + namespace + "/" + ref.getName() + " does not exist");
    }
    if (secret.getData() != null && secret.getData().containsKey(ref.getKey())) {
      return new String(Base64.getDecoder().decode(secret.getData().get(ref.getKey())), StandardCharsets.UTF_8);
    }
    if (secret.getStringData() != null && secret.getStringData().containsKey(ref.getKey())) {
      return secret.getStringData().get(ref.getKey());
    }
    throw new SecretUnavailableException("Secret " + namespace + "/" + ref.getName() + " has no key " + ref.getKey());
  }
}
