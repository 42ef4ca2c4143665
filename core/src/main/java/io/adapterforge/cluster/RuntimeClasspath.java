package io.adapterforge.cluster;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * The jars of the running JVM's classpath, with manifest-only jars (as test runners use) expanded
 * into the jars they name. These become a standalone cluster's {@code SPARK_HOME/jars}.
 */
public final class RuntimeClasspath {
  private RuntimeClasspath() {}

  /**
   * The third-party jars of this JVM's classpath: directories and adapterforge's own jars are left
   * out, since application code reaches executors through spark-submit, never through SPARK_HOME.
   */
  public static List<Path> thirdPartyJars() {
    return thirdPartyJars(System.getProperty("java.class.path"));
  }

  /** The third-party jars of a classpath string, manifest-only jars expanded. */
  static List<Path> thirdPartyJars(String classPath) {
    Set<Path> jars = new LinkedHashSet<>();
    for (String entry : classPath.split(File.pathSeparator)) {
      if (!entry.isBlank()) {
        collect(Path.of(entry).toAbsolutePath().normalize(), jars);
      }
    }
    List<Path> result = new ArrayList<>();
    for (Path jar : jars) {
      if (!jar.getFileName().toString().startsWith("adapterforge")) {
        result.add(jar);
      }
    }
    return result;
  }

  private static void collect(Path entry, Set<Path> jars) {
    if (!entry.toString().endsWith(".jar") || !Files.isRegularFile(entry) || jars.contains(entry)) {
      return;
    }
    List<Path> referenced = manifestClassPath(entry);
    if (referenced.isEmpty() || !isManifestOnly(entry)) {
      jars.add(entry);
    }
    for (Path jar : referenced) {
      collect(jar, jars);
    }
  }

  private static boolean isManifestOnly(Path jar) {
    try (JarFile file = new JarFile(jar.toFile())) {
      return file.stream().noneMatch(e -> e.getName().endsWith(".class"));
    } catch (IOException e) {
      return false;
    }
  }

  private static List<Path> manifestClassPath(Path jar) {
    List<Path> result = new ArrayList<>();
    try (JarFile file = new JarFile(jar.toFile())) {
      Manifest manifest = file.getManifest();
      String classPath =
          manifest == null ? null : manifest.getMainAttributes().getValue("Class-Path");
      if (classPath == null) {
        return result;
      }
      for (String item : classPath.trim().split("\\s+")) {
        if (item.isEmpty()) {
          continue;
        }
        URI uri = jar.toUri().resolve(item);
        if ("file".equals(uri.getScheme())) {
          result.add(Path.of(uri).normalize());
        }
      }
    } catch (IOException | IllegalArgumentException e) {
      // Not a readable jar: it is simply not expanded.
    }
    return result;
  }
}
