package io.stableserve.workload;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the project's shared data folder ({@code ../shared/data} beside the checkout). */
public final class SharedData {
  private SharedData() {}

  public static Path file(String name) {
    Path dir = Path.of("").toAbsolutePath();
    for (int up = 0; up < 4 && dir != null; up++, dir = dir.getParent()) {
      Path candidate = dir.resolve("../shared/data").resolve(name).normalize();
      if (Files.exists(candidate)) {
        return candidate;
      }
    }
    return Path.of("../shared/data", name);
  }
}
