package io.adapterforge.airflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AirflowSettingsTest {
  @Test
  void defaults() {
    AirflowSettings settings = AirflowSettings.withDefaults("admin", "s3cret");

    assertThat(settings.url()).isEqualTo(URI.create("http://127.0.0.1:8080"));
    assertThat(settings.apiVersion()).isEqualTo(3);
    assertThat(settings.timeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(settings.retries()).isEqualTo(3);
    assertThat(settings.retryBackoff()).isEqualTo(Duration.ofSeconds(1));
    assertThat(settings.apiRoot()).isEqualTo(URI.create("http://127.0.0.1:8080/api/v2"));
    assertThat(settings.tokenUri()).isEqualTo(URI.create("http://127.0.0.1:8080/auth/token"));
  }

  @Test
  void mapsEveryValue() {
    AirflowSettings settings =
        new AirflowSettings(
            URI.create("https://airflow.example.com/airflow/"),
            2,
            "ops",
            "pw",
            Duration.ofSeconds(7),
            5,
            Duration.ofMillis(250));

    assertThat(settings.url()).isEqualTo(URI.create("https://airflow.example.com/airflow"));
    assertThat(settings.apiVersion()).isEqualTo(2);
    assertThat(settings.user()).isEqualTo("ops");
    assertThat(settings.password()).isEqualTo("pw");
    assertThat(settings.timeout()).isEqualTo(Duration.ofSeconds(7));
    assertThat(settings.retries()).isEqualTo(5);
    assertThat(settings.retryBackoff()).isEqualTo(Duration.ofMillis(250));
    assertThat(settings.apiRoot())
        .isEqualTo(URI.create("https://airflow.example.com/airflow/api/v1"));
  }

  @Test
  void backoffDoublesUpToTheCap() {
    AirflowSettings settings = AirflowSettings.withDefaults("admin", "s3cret");

    assertThat(settings.backoffBefore(1)).isEqualTo(Duration.ofSeconds(1));
    assertThat(settings.backoffBefore(2)).isEqualTo(Duration.ofSeconds(2));
    assertThat(settings.backoffBefore(4)).isEqualTo(Duration.ofSeconds(8));
    assertThat(settings.backoffBefore(6)).isEqualTo(AirflowSettings.MAX_BACKOFF);
    assertThat(settings.backoffBefore(60)).isEqualTo(AirflowSettings.MAX_BACKOFF);
  }

  @Test
  void neverShowsThePassword() {
    assertThat(AirflowSettings.withDefaults("admin", "s3cret-value").toString())
        .contains("user=admin", "password=****")
        .doesNotContain("s3cret-value");
  }

  @Test
  void rejectsBadValuesNamingTheKey() {
    URI url = AirflowSettings.DEFAULT_URL;
    Duration second = Duration.ofSeconds(1);
    assertThatThrownBy(() -> new AirflowSettings(url, 4, "a", "p", second, 1, second))
        .hasMessageStartingWith("Cannot use airflow.api-version (--api-version) 4: must be 3");
    assertThatThrownBy(
            () -> new AirflowSettings(URI.create("ftp://host"), 3, "a", "p", second, 1, second))
        .hasMessageStartingWith("Cannot use airflow.url (--url) 'ftp://host': must be an http://");
    assertThatThrownBy(() -> new AirflowSettings(url, 3, "a", "p", Duration.ZERO, 1, second))
        .hasMessage("Cannot use airflow.timeout (--timeout) PT0S: must be positive");
    assertThatThrownBy(() -> new AirflowSettings(url, 3, "a", "p", second, -1, second))
        .hasMessage("Cannot use airflow.retries (--retries) -1: must be 0 or more");
    assertThatThrownBy(() -> new AirflowSettings(url, 3, " ", "p", second, 1, second))
        .hasMessage("Cannot use an empty airflow.user: pass --user or set AIRFLOW_USER");
    assertThatThrownBy(() -> new AirflowSettings(url, 3, "a", "", second, 1, second))
        .hasMessage(
            "Cannot use an empty airflow.password: pass --password or set AIRFLOW_PASSWORD");
  }
}
