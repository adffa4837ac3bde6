package io.stableserve.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.stableserve.api.InferenceService;
import io.stableserve.e2e.BundleForV120;
import io.stableserve.e2e.RealApiServers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README's install, {@code kubectl apply --server-side -f deploy/install.yaml}, on kube-apiserver
 * v1.20.2, with kubectl itself. v1.20 cannot hold two things of the bundle, dropped from a copy
 * ({@link InstalledBundle#forV120}): the CRD's CEL rules ({@code x-kubernetes-validations}), which
 * kubectl refuses as an unknown field of v1.20's CRD schema, and the PodDisruptionBudget, whose
 * {@code policy/v1} v1.20 does not serve. The first test shows both refusals; the second applies
 * the copy and checks what comes up: the CRD Established, the RBAC objects with the rules of
 * {@code deploy/base} (and the all-namespaces binding), and, with the operator run as the
 * Deployment's arguments say as the ServiceAccount, the leader-election Lease.
 */
class DeployOnRealApiServerIT {

  private static final String ADMIN = "kube-admin.kubeconfig";
  private static final Path INSTALL = RealApiServers.ROOT.resolve("deploy/install.yaml");
  private static final Set<String> RBAC_KINDS = Set.of("Namespace", "ServiceAccount", "ClusterRole", "Role",
      "ClusterRoleBinding", "RoleBinding");
  /** kubectl's field manager for --server-side. */
  private static final String KUBECTL = "kubectl";

  @Test
  void theBundleAsItIsCannotBeAppliedToV120ForTheCelRulesAndThePodDisruptionBudget() throws IOException {
    KubernetesClient admin = RealApiServers.kubeAdmin();
    Kubectl.Result asItIs = Kubectl.run(ADMIN, "apply", "--server-side", "--dry-run=server", "-f", INSTALL.toString());
    assertThat(asItIs.exitCode()).as("kubectl apply of deploy/install.yaml as it is").isNotZero();
    assertThat(asItIs.err()).contains("unknown field \"x-kubernetes-validations\"");

    List<HasMetadata> withoutCel = InstalledBundle.load(admin, INSTALL).stream()
        .map(o -> o instanceof CustomResourceDefinition crd ? BundleForV120.withoutCelRules(crd) : o)
        .toList();
    Kubectl.Result withPdb = Kubectl.run(ADMIN, "apply", "--server-side", "--dry-run=server", "-f",
        write(withoutCel, "install-with-pdb.yaml").toString());
    assertThat(withPdb.exitCode()).as("kubectl apply of the bundle without the CEL rules").isNotZero();
    assertThat(withPdb.err()).contains("no matches for kind \"PodDisruptionBudget\" in version \"policy/v1\"");
  }

  @Test
  void kubectlServerSideApplyBringsUpTheCrdTheRbacAndTheOperatorsLease() throws Exception {
    KubernetesClient admin = RealApiServers.kubeAdmin();
    List<HasMetadata> bundle = InstalledBundle.forV120(InstalledBundle.load(admin, INSTALL));
    // --force-conflicts, as docs/operations.md's upgrade: the suite's own install (InstalledBundle, field manager
    // stableserve-it) may have come first, and v1.20 counts an empty string applied over an absent one as a change
    String applied = Kubectl.run(ADMIN, "apply", "--server-side", "--force-conflicts", "-f",
        write(bundle, "install-v1.20.yaml").toString()).ok();
    assertThat(applied.lines().filter(l -> l.endsWith(" serverside-applied")))
        .as("kubectl's line per object:\n%s", applied).hasSize(bundle.size());

    Kubectl.run(ADMIN, "wait", "--for=condition=Established", "--timeout=60s", "crd/" + InferenceService.CRD_NAME).ok();

    // The RBAC objects: every one of deploy/base and the all-namespaces binding, as the files write them.
    Map<String, HasMetadata> sources = new LinkedHashMap<>();
    try (Stream<Path> base = Files.list(RealApiServers.ROOT.resolve("deploy/base"))) {
      for (Path file : base.filter(f -> f.toString().endsWith(".yaml") && !f.endsWith("kustomization.yaml")).sorted().toList()) {
        InstalledBundle.load(admin, file).stream().filter(o -> RBAC_KINDS.contains(o.getKind())).forEach(o -> sources.put(key(o), o));
      }
    }
    InstalledBundle.load(admin, RealApiServers.ROOT.resolve("deploy/overlays/all-namespaces/clusterrolebinding.yaml"))
        .forEach(o -> sources.put(key(o), o));
    assertThat(bundle.stream().filter(o -> RBAC_KINDS.contains(o.getKind())).map(DeployOnRealApiServerIT::key))
        .as("the namespace, ServiceAccount, roles and bindings of the bundle")
        .containsExactlyInAnyOrderElementsOf(sources.keySet())
        .contains("ClusterRole/stableserve-operator", "Role/stableserve-system/stableserve-leader-election",
            "RoleBinding/stableserve-system/stableserve-leader-election", "ClusterRoleBinding/stableserve-operator",
            "ServiceAccount/stableserve-system/stableserve-operator", "Namespace/stableserve-system");
    for (HasMetadata source : sources.values()) {
      HasMetadata served = admin.resource(source).get();
      assertThat(served).as("%s on the server", key(source)).isNotNull();
      assertThat(served.getMetadata().getManagedFields().stream().filter(m -> KUBECTL.equals(m.getManager()))
          .map(ManagedFieldsEntry::getOperation)).as("%s applied by kubectl --server-side", key(source)).contains("Apply");
      assertThat(served.getMetadata().getLabels()).containsAllEntriesOf(source.getMetadata().getLabels());
      if (source instanceof ClusterRole role) {
        assertThat(((ClusterRole) served).getRules()).as(key(source)).isNotEmpty().isEqualTo(role.getRules());
      } else if (source instanceof Role role) {
        assertThat(((Role) served).getRules()).as(key(source)).isNotEmpty().isEqualTo(role.getRules());
      } else if (source instanceof ClusterRoleBinding binding) {
        assertThat(((ClusterRoleBinding) served).getRoleRef()).isEqualTo(binding.getRoleRef());
        assertThat(((ClusterRoleBinding) served).getSubjects()).isEqualTo(binding.getSubjects());
      } else if (source instanceof RoleBinding binding) {
        assertThat(((RoleBinding) served).getRoleRef()).isEqualTo(binding.getRoleRef());
        assertThat(((RoleBinding) served).getSubjects()).isEqualTo(binding.getSubjects());
      }
    }

    // The operator as the Deployment runs it, as its ServiceAccount: it takes the Lease.
    Deployment deployment = admin.apps().deployments().inNamespace(InstalledBundle.SYSTEM).withName("stableserve-operator").get();
    List<String> args = deployedArguments(deployment);
    System.out.println("run " + String.join(" ", args));
    String identity = "stableserve-operator-deployed";
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    Lease lease = null;
    try (OperatorCommand operator = OperatorCommand.start(identity, args)) {
      // the in-process operators of other tests leave this Lease held until it expires (15 s)
      while (Instant.now().isBefore(deadline) && (lease == null || !identity.equals(lease.getSpec().getHolderIdentity()))) {
        Thread.sleep(250);
        lease = admin.leases().inNamespace(InstalledBundle.SYSTEM).withName("stableserve-operator").get();
      }
      assertThat(lease).as("the Lease stableserve-system/stableserve-operator\n%s", operator.tail()).isNotNull();
      assertThat(lease.getSpec().getHolderIdentity()).as(operator.tail()).isEqualTo(identity);
      assertThat(lease.getSpec().getLeaseDurationSeconds()).as("the default lease duration").isEqualTo(15);

      // SIGTERM, as the kubelet stops the pod: it exits well within the Deployment's grace period.
      Duration grace = Duration.ofSeconds(deployment.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds());
      Instant stopped = Instant.now();
      assertThat(operator.process().stop(grace)).as("exited within %s of SIGTERM\n%s", grace, operator.tail()).isTrue();
      assertThat(Duration.between(stopped, Instant.now())).isLessThan(Duration.ofSeconds(10));
    } finally {
      // the SDK does not release the Lease when it stops: the next test's operator would wait for it to expire
      admin.leases().inNamespace(InstalledBundle.SYSTEM).withName("stableserve-operator").delete();
    }
  }

  /**
   * The operator container's arguments with {@code $(VAR)} replaced as the kubelet replaces it
   * (the Deployment's env: a value, or the pod's namespace), less {@code run} and the ports: two
   * processes of one machine cannot both listen on 8080, and {@link OperatorCommand} picks free ones.
   */
  private static List<String> deployedArguments(Deployment deployment) {
    Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvVar var : container.getEnv()) {
      if (var.getValueFrom() == null) {
        env.put(var.getName(), var.getValue() == null ? "" : var.getValue()); // the server drops an empty value
      } else if (var.getValueFrom().getFieldRef() != null
          && var.getValueFrom().getFieldRef().getFieldPath().equals("metadata.namespace")) {
        env.put(var.getName(), deployment.getMetadata().getNamespace());
      }
    }
    assertThat(container.getArgs()).first().isEqualTo("run");
    List<String> args = new ArrayList<>();
    Pattern reference = Pattern.compile("\\$\\(([A-Z_]+)\\)");
    for (String arg : container.getArgs().subList(1, container.getArgs().size())) {
      if (arg.startsWith("--metrics-port") || arg.startsWith("--health-port")) {
        continue;
      }
      Matcher m = reference.matcher(arg);
      args.add(m.replaceAll(r -> Matcher.quoteReplacement(env.getOrDefault(r.group(1), r.group()))));
    }
    assertThat(args).as("arguments with every reference resolved").noneMatch(a -> a.contains("$("));
    return args;
  }

  private static String key(HasMetadata o) {
    return o.getKind() + "/" + (o.getMetadata().getNamespace() == null ? "" : o.getMetadata().getNamespace() + "/")
        + o.getMetadata().getName();
  }

  private static Path write(List<HasMetadata> objects, String name) throws IOException {
    Path file = Path.of("target", "deploy", name).toAbsolutePath();
    Files.createDirectories(file.getParent());
    Files.writeString(file, objects.stream().map(o -> Serialization.asYaml(o).replaceFirst("^---\\n", ""))
        .collect(Collectors.joining("---\n")));
    return file;
  }
}
