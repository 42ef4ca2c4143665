package io.adapterforge.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuntimeClasspathTest {
  @TempDir Path temp;

  @Test
  void expandsManifestOnlyJarsAndLeavesOutDirectoriesAndOwnJars() throws IOException {
    Path spark = jar("spark-core_2.13-4.2.0.jar", null, true);
    Path hadoop = jar("hadoop-client-api-3.4.1.jar", null, true);
    Path own = jar("adapterforge-core-0.1.0.jar", null, true);
    Path booter =
        jar("surefirebooter.jar", "spark-core_2.13-4.2.0.jar hadoop-client-api-3.4.1.jar", false);
    Path classes = Files.createDirectories(temp.resolve("classes"));

    String classPath = String.join(":", booter.toString(), classes.toString(), own.toString());

    assertThat(RuntimeClasspath.thirdPartyJars(classPath)).containsExactly(spark, hadoop);
  }

  @Test
  void keepsJarsThatHaveClassesAndAClassPath() throws IOException {
    Path dependency = jar("dep.jar", null, true);
    Path library = jar("lib.jar", "dep.jar missing.jar", true);

    assertThat(RuntimeClasspath.thirdPartyJars(library.toString()))
        .containsExactly(library, dependency);
  }

  private Path jar(String name, String classPath, boolean withClass) throws IOException {
    Path jar = temp.resolve(name);
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    if (classPath != null) {
      manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath);
    }
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream jarOut = new JarOutputStream(out, manifest)) {
      if (withClass) {
        jarOut.putNextEntry(new JarEntry("example/A.class"));
        jarOut.write(new byte[] {(byte) 0xCA, (byte) 0xFE});
        jarOut.closeEntry();
      }
    }
    return jar;
  }
}
