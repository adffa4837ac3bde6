package io.stableserve.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The InferenceService CRD: the generator's output under {@code operator/target/crds} and the
 * committed copy under {@code crds/}. The committed copy is the generator's output with the printer
 * columns in the order they are declared on {@link InferenceService} (the generator sorts them by
 * JSON path, which would put Age first in {@code kubectl get}).
 */
final class CrdFiles {

  static final String FILE = InferenceService.CRD_NAME + "-v1.yml";
  static final Path GENERATED = Path.of("target", "crds", FILE);
  static final Path COMMITTED = Path.of("..", "crds", FILE);
  static final String REFRESH =
      "./mvnw -B -q -pl operator test -Dtest=CrdUpToDateTest -Dcrd.update";

  private CrdFiles() {}

  static String read(Path path) {
    try {
      return Files.readString(path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path.toAbsolutePath().normalize(), e);
    }
  }

  /** The committed form of the generator's output. */
  static String canonical(String generatedYaml) {
    CustomResourceDefinition crd = Serialization.unmarshal(generatedYaml, CustomResourceDefinition.class);
    List<String> declared = Arrays.stream(InferenceService.class.getAnnotationsByType(AdditionalPrinterColumn.class))
        .map(AdditionalPrinterColumn::name)
        .toList();
    for (CustomResourceDefinitionVersion version : crd.getSpec().getVersions()) {
      version.getAdditionalPrinterColumns().sort(Comparator.comparingInt((CustomResourceColumnDefinition c) -> {
        int i = declared.indexOf(c.getName());
        if (i < 0) {
          throw new IllegalStateException("printer column " + c.getName() + " is not declared on InferenceService");
        }
        return i;
      }));
    }
    return "# Generated from the io.stableserve.api classes by the Fabric8 CRD generator; do not edit.\n"
        + "# Refresh: " + REFRESH + "\n"
        + Serialization.asYaml(crd);
  }

  /** The committed CRD, parsed. */
  static CustomResourceDefinition committed() {
    return Serialization.unmarshal(read(COMMITTED), CustomResourceDefinition.class);
  }
}
