package io.adapterforge.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path temp;

  @Test
  void defaultsMatchLocalConf() {
    AdapterforgeConfig config = ConfigLoader.load(Optional.empty(), List.of());

    assertThat(config.workDir()).isEqualTo(Path.of("./work"));
    assertThat(config.runId()).isEmpty();
    assertThat(config.spark().master()).isEqualTo("local[*]");
    assertThat(config.spark().appName()).isEqualTo("adapterforge");
    assertThat(config.spark().conf())
        .containsOnly(
            Map.entry("spark.ui.enabled", "false"),
            Map.entry("spark.sql.shuffle.partitions", "16"),
            Map.entry("spark.sql.codegen.hugeMethodLimit", "8000"));
    assertThat(config.tokenizers().cacheDir())
        .isEqualTo(Path.of(System.getenv("HOME"), ".cache/adapterforge/tokenizers"));
    assertThat(config.tokenizers().npm()).isEqualTo("npm");
    assertThat(config.cluster())
        .isEqualTo(new ClusterConfig(Path.of("./work/cluster"), 7077, 8080, 2, 1, "2g", 0));
    assertThat(config.prepare())
        .isEqualTo(
            new PrepareConfig(
                "adapter",
                4096,
                PrepareConfig.LengthPolicy.REJECT,
                0,
                "",
                "",
                new PrepareConfig.Clean(true, true, true, true),
                new PrepareConfig.NearDedup(false, 0.8, 3, 5),
                new PrepareConfig.Split(0.05, 0.05, 20)));
    assertThat(config.adapters()).isEmpty();
    assertThat(config.systemPrompt("any")).isEmpty();
    assertThat(config.train())
        .isEqualTo(
            new TrainConfig(
                2e-4,
                3,
                8,
                0,
                50,
                0,
                42,
                0,
                0,
                new LoraConfig(8, 16, 0.05, List.of("q_proj", "k_proj", "v_proj", "o_proj"))));
    assertThat(config.evaluate().maxRowsPerSplit()).isEqualTo(256);
    assertThat(config.evaluate().batchSize()).isEqualTo(8);
    assertThat(config.evaluate().maxGenerations()).isEqualTo(16);
    assertThat(config.evaluate().maxNewTokens()).isEqualTo(64);
    // The patterns are pinned to ToolCallDetector.DEFAULT_PATTERNS by a test in evaluation.
    assertThat(config.evaluate().toolCall().patterns()).hasSize(2);
    assertThat(config.evaluate().router())
        .isEqualTo(new EvaluateConfig.Router(0.5, 262144, 100, 0.01));
    assertThat(config.publish())
        .isEqualTo(
            new PublishConfig(
                0.02,
                0.01,
                OptionalDouble.empty(),
                OptionalDouble.empty(),
                OptionalDouble.empty(),
                OptionalDouble.empty()));
    assertThat(config.registry())
        .isEqualTo(
            new RegistryConfig("jdbc:sqlite:./work/registry/registry.db", "./work/registry/store"));
  }

  @Test
  void mapsEveryKeyFromAConfFile() throws IOException {
    Path file = temp.resolve("full.conf");
    Files.writeString(
        file,
        """
        work-dir = "/data/af"
        run-id = "nightly_2026-11-26T02.00"
        spark {
          master = "spark://10.0.0.1:7077"
          app-name = "nightly"
          conf { "spark.sql.shuffle.partitions" = 64, "spark.ui.enabled" = "true" }
        }
        tokenizers { cache-dir = "/cache/tok", npm = "/usr/local/bin/npm" }
        cluster {
          dir = "/tmp/cl"
          master-port = 17077
          master-web-ui-port = 18080
          workers = 3
          cores-per-worker = 2
          memory-per-worker = "512m"
          gpus-per-worker = 4
        }
        prepare {
          adapter-field = "tenant"
          max-seq-length = 2048
          length-policy = truncate
          partitions = 16
          chat-template = "llama2-chat"
          system-prompt = "Be brief."
          clean { unicode-nfc = false, control-chars = false, line-endings = false, trim = false }
          dedup.near { enabled = true, threshold = 0.7, shingle-size = 4, hash-tables = 8 }
          split { validation = 0.1, test = 0.2, min-rows-for-test = 10 }
        }
        adapters {
          support-ru { system-prompt = "Отвечай по-русски." }
          "legal.de" {
            system-prompt = ""
            lora { rank = 4, alpha = 8.5, target-modules = [q_proj] }
            learning-rate = 1e-3
            epochs = 7
          }
        }
        train {
          learning-rate = 5e-5
          epochs = 2
          batch-size = 4
          max-steps = 1000
          checkpoint-every = 25
          eval-every = 10
          seed = 7
          slots = 3
          threads-per-slot = 2
          lora { rank = 32, alpha = 64.5, dropout = 0, target-modules = [gate_proj, up_proj] }
        }
        evaluate {
          max-rows-per-split = 64
          batch-size = 2
          max-generations = 0
          max-new-tokens = 128
          tool-call.patterns = ["CALL\\\\((?<name>\\\\w+)\\\\)", "<fn (?<name>[a-z]+)>"]
          router {
            min-confidence = 0.75
            num-features = 1024
            max-iterations = 20
            regularization = 0
          }
        }
        publish {
          min-gain = 0.05
          max-regression = 0
          min-exact-match = 0.5
          min-token-f1 = 0.6
          min-tool-call-f1 = 0.7
          min-tool-name-accuracy = 1
        }
        registry { url = "jdbc:postgresql://db:5432/af", store = "hdfs://nn/af/store" }
        """);

    AdapterforgeConfig config = ConfigLoader.load(Optional.of(file), List.of());

    assertThat(config)
        .isEqualTo(
            new AdapterforgeConfig(
                Path.of("/data/af"),
                "nightly_2026-11-26T02.00",
                new SparkConfig(
                    "spark://10.0.0.1:7077",
                    "nightly",
                    Map.of(
                        "spark.sql.shuffle.partitions",
                        "64",
                        "spark.ui.enabled",
                        "true",
                        "spark.sql.codegen.hugeMethodLimit",
                        "8000")),
                new TokenizersConfig(Path.of("/cache/tok"), "/usr/local/bin/npm"),
                new ClusterConfig(Path.of("/tmp/cl"), 17077, 18080, 3, 2, "512m", 4),
                new PrepareConfig(
                    "tenant",
                    2048,
                    PrepareConfig.LengthPolicy.TRUNCATE,
                    16,
                    "llama2-chat",
                    "Be brief.",
                    new PrepareConfig.Clean(false, false, false, false),
                    new PrepareConfig.NearDedup(true, 0.7, 4, 8),
                    new PrepareConfig.Split(0.1, 0.2, 10)),
                Map.of(
                    "support-ru",
                    new AdapterConfig(
                        "support-ru",
                        Optional.of("Отвечай по-русски."),
                        OptionalInt.empty(),
                        OptionalDouble.empty(),
                        Optional.empty(),
                        OptionalDouble.empty(),
                        OptionalInt.empty()),
                    "legal.de",
                    new AdapterConfig(
                        "legal.de",
                        Optional.of(""),
                        OptionalInt.of(4),
                        OptionalDouble.of(8.5),
                        Optional.of(List.of("q_proj")),
                        OptionalDouble.of(1e-3),
                        OptionalInt.of(7))),
                new TrainConfig(
                    5e-5,
                    2,
                    4,
                    1000,
                    25,
                    10,
                    7,
                    3,
                    2,
                    new LoraConfig(32, 64.5, 0, List.of("gate_proj", "up_proj"))),
                new EvaluateConfig(
                    64,
                    2,
                    0,
                    128,
                    new EvaluateConfig.ToolCall(
                        List.of("CALL\\((?<name>\\w+)\\)", "<fn (?<name>[a-z]+)>")),
                    new EvaluateConfig.Router(0.75, 1024, 20, 0)),
                new PublishConfig(
                    0.05,
                    0,
                    OptionalDouble.of(0.5),
                    OptionalDouble.of(0.6),
                    OptionalDouble.of(0.7),
                    OptionalDouble.of(1)),
                new RegistryConfig("jdbc:postgresql://db:5432/af", "hdfs://nn/af/store")));
  }

  @Test
  void systemPromptComesFromAdapterThenPrepare() {
    AdapterforgeConfig config =
        ConfigLoader.load(
            Optional.empty(),
            List.of(
                "prepare.system-prompt=Default.",
                "adapters.a1.system-prompt=Own.",
                "adapters.\"b.2\".system-prompt="));

    assertThat(config.systemPrompt("a1")).contains("Own.");
    assertThat(config.systemPrompt("b.2")).isEmpty();
    assertThat(config.systemPrompt("c3")).contains("Default.");
  }

  @Test
  void rejectsBadAdapterIdAndUnknownAdapterKey() {
    assertThatThrownBy(
            () -> ConfigLoader.load(Optional.empty(), List.of("adapters.Tenant_A.system-prompt=x")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageStartingWith(
            "Cannot use adapters.Tenant_A: the adapter id must match [a-z0-9][a-z0-9._-]{0,63}");
    assertThatThrownBy(
            () -> ConfigLoader.load(Optional.empty(), List.of("adapters.a1.system-promt=x")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageStartingWith("Unknown config key adapters.a1.system-promt");
  }

  @Test
  void rejectsUnknownLengthPolicyAndBadSplit() {
    assertThatThrownBy(
            () -> ConfigLoader.load(Optional.empty(), List.of("prepare.length-policy=drop")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageStartingWith(
            "Cannot use prepare.length-policy drop: must be reject or truncate");
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Optional.empty(),
                    List.of("prepare.split.validation=0.5", "prepare.split.test=0.5")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageStartingWith(
            "Cannot use prepare.split.test 0.5: validation + test must leave rows for train");
  }

  @Test
  void rejectsRunIdWithSlashes() {
    assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), List.of("run-id=a/b")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageStartingWith(
            "Cannot use run-id a/b: must be empty or match [A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  }

  @Test
  void clusterDirFollowsWorkDir() {
    AdapterforgeConfig config = ConfigLoader.load(Optional.empty(), List.of("work-dir=/srv/af"));

    assertThat(config.cluster().dir()).isEqualTo(Path.of("/srv/af/cluster"));
  }

  @Test
  void setOverridesConfFileAndTakesUnquotedStrings() throws IOException {
    Path file = temp.resolve("a.conf");
    Files.writeString(file, "train.lora.rank = 4\nspark.master = \"local[2]\"\n");

    AdapterforgeConfig config =
        ConfigLoader.load(
            Optional.of(file),
            List.of(
                "train.lora.rank=16",
                "spark.master=local[*]",
                "tokenizers.npm=/opt/node//bin/npm",
                "train.lora.target-modules=[q_proj, v_proj]"));

    assertThat(config.train().lora().rank()).isEqualTo(16);
    assertThat(config.spark().master()).isEqualTo("local[*]");
    assertThat(config.tokenizers().npm()).isEqualTo("/opt/node//bin/npm");
    assertThat(config.train().lora().targetModules()).containsExactly("q_proj", "v_proj");
  }

  @Test
  void setAcceptsCommaSeparatedList() {
    AdapterforgeConfig config =
        ConfigLoader.load(Optional.empty(), List.of("train.lora.target-modules=q_proj,down_proj"));

    assertThat(config.train().lora().targetModules()).containsExactly("q_proj", "down_proj");
  }

  @Test
  void rejectsNonPositiveRankNamingKeyValueAndOrigin() {
    assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), List.of("train.lora.rank=0")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage(
            "Cannot use train.lora.rank 0: must be positive (set in --set train.lora.rank=0)")
        .extracting(e -> ((InvalidConfigException) e).key())
        .isEqualTo("train.lora.rank");
  }

  @Test
  void rejectsBadValueInFileNamingFileAndLine() throws IOException {
    Path file = temp.resolve("bad.conf");
    Files.writeString(file, "# comment\ncluster {\n  workers = 0\n}\n");

    assertThatThrownBy(() -> ConfigLoader.load(Optional.of(file), List.of()))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageStartingWith("Cannot use cluster.workers 0: must be at least 1 (set in ")
        .hasMessageContaining("bad.conf: 3");
  }

  @Test
  void rejectsWrongTypeNamingTheRule() {
    assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), List.of("train.lora.rank=eight")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageStartingWith("Cannot use train.lora.rank \"eight\": must be an integer");
  }

  @Test
  void rejectsUnknownKeyWithSuggestion() {
    assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), List.of("train.lora.rnak=4")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage(
            "Unknown config key train.lora.rnak (set in --set train.lora.rnak=4);"
                + " did you mean train.lora.rank?")
        .extracting(e -> ((InvalidConfigException) e).key())
        .isEqualTo("train.lora.rnak");
  }

  @Test
  void rejectsUnknownKeyInFile() throws IOException {
    Path file = temp.resolve("typo.conf");
    Files.writeString(file, "sparkk { master = \"local[1]\" }\n");

    assertThatThrownBy(() -> ConfigLoader.load(Optional.of(file), List.of()))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageStartingWith("Unknown config key sparkk.master (set in ")
        .hasMessageContaining("typo.conf: 1");
  }

  @Test
  void acceptsAnySparkPropertyButNotNestedObjects() {
    AdapterforgeConfig config =
        ConfigLoader.load(
            Optional.empty(), List.of("spark.conf={\"spark.executor.memory\": \"8g\"}"));
    assertThat(config.spark().conf()).containsEntry("spark.executor.memory", "8g");

    assertThatThrownBy(
            () -> ConfigLoader.load(Optional.empty(), List.of("spark.conf.spark.executor=8g")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageStartingWith(
            "Cannot use spark.conf.spark {\"executor\":\"8g\"}: must be a plain value");
  }

  @Test
  void rejectsUnknownTargetModule() {
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Optional.empty(), List.of("train.lora.target-modules=[q_proj, qkv_proj]")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("Cannot use train.lora.target-modules [q_proj, qkv_proj]")
        .hasMessageContaining("'qkv_proj' is not one of [down_proj, gate_proj");
  }

  @Test
  void rejectsMalformedSet() {
    assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), List.of("train.lora.rank")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("Cannot use --set train.lora.rank: must be key=value, e.g. train.lora.rank=16");
  }

  @Test
  void rejectsMissingConfFile() {
    Path missing = temp.resolve("missing.conf");

    assertThatThrownBy(() -> ConfigLoader.load(Optional.of(missing), List.of()))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("Cannot read config file " + missing + ": no such file");
  }

  @Test
  void rejectsUnparsableConfFile() throws IOException {
    Path file = temp.resolve("broken.conf");
    Files.writeString(file, "train { lora { rank = 4 }\n");

    assertThatThrownBy(() -> ConfigLoader.load(Optional.of(file), List.of()))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageStartingWith("Cannot parse config file " + file);
  }

  @Test
  void rendersResolvedConfigWithOrigins() {
    String rendered =
        ConfigLoader.render(
            ConfigLoader.resolve(Optional.empty(), List.of("train.lora.rank=12")), true);

    assertThat(rendered).contains("rank=12").contains("--set train.lora.rank=12");
    assertThat(rendered).contains("master=\"local[*]\"");
  }
}
