package io.stableserve.workload;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The project's data folder, {@code data/} at the repository root: the one place tests find it.
 * Surefire runs a module's tests in the module's folder, one below the root, so it is {@code ../data}.
 */
public final class ProjectData {
  private ProjectData() {}

  /** The data folder as the tests see it. */
  public static final Path DIR = Path.of("..", "data");

  /** A file of the data folder; throws, naming the path looked at, when it is not there. */
  public static Path file(String name) {
    Path file = DIR.resolve(name).toAbsolutePath().normalize();
    if (!Files.isRegularFile(file)) {
      throw new AssertionError("data file missing: " + file
          + " (the repository's data/ folder holds it; tests run from a module folder and read ../data/)");
    }
    return file;
  }

  /** The text of a file of the data folder; throws, naming the path, when it is not there. */
  public static String read(String name) {
    try {
      return Files.readString(file(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
