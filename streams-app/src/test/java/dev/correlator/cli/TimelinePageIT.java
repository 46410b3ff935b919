package dev.correlator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.correlator.avro.CauseClaim;
import dev.correlator.config.ClientProperties;
import dev.correlator.config.ConfigLoader;
import dev.correlator.scenario.ParsedScenario;
import dev.correlator.scenario.ScenarioParser;
import dev.correlator.serde.AvroSerde;
import dev.correlator.serde.AvroSerdeConfig;
import dev.correlator.testing.ApicurioRegistry;
import dev.correlator.testing.ApicurioRegistryExtension;
import dev.correlator.testing.Browser;
import dev.correlator.testing.KafkaCluster;
import dev.correlator.testing.KafkaClusterExtension;
import dev.correlator.topics.TopicNames;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * {@code correlator scenario --ui} on the bundled 6 April 2021 file, on a real broker with a real registry, looked
 * at in a real headless Chromium: the page shows the ENT outages UNLINKED from the OVHcloud fire and from the
 * claims that blame it, CNED LINKED to the DDoS; clicking CNED shows the verdict, its reasons in plain words and
 * the confidence; a claim produced after the page loaded appears without a reload (Server-Sent Events).
 * Screenshots go to {@code target/ui-screenshots/}.
 */
@ExtendWith({KafkaClusterExtension.class, ApicurioRegistryExtension.class})
class TimelinePageIT {

    private static final List<String> ENTS = List.of("ent-grand-est", "ent-auvergne-rhone-alpes", "ent-ile-de-france");
    private static final String CNED = "cned-maclasse@2021-04-06T07:00:00Z";
    private static final Path SCREENSHOTS = Path.of("target", "ui-screenshots");

    @Test
    void theDemoScenarioOnTheTimeline(KafkaCluster kafka, ApicurioRegistry registry, @TempDir Path profile) throws Exception {
        Browser.assumeAvailable();
        String prefix = kafka.uniqueName("timeline") + ".";
        ConnectionOptions connection = new ConnectionOptions();
        connection.bootstrapServers = kafka.bootstrapServers();
        connection.schemaRegistryUrl = registry.url();
        connection.properties.put(TopicNames.INPUT_PREFIX, prefix);
        connection.properties.put(TopicNames.OUTPUT_PREFIX, prefix);
        UiOptions ui = new UiOptions();
        ui.enabled = true;
        ui.port = 0;
        ParsedScenario scenario = ScenarioParser.parseResource(ScenarioParser.DEMO_RESOURCE);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> {
            try {
                return ScenarioCommand.run(scenario, connection, 2, Duration.ofMinutes(5), ScenarioCommand.Emit.final_,
                        ScenarioCommand.Format.jsonl, ui, new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        ChromeDriver browser = null;
        try {
            String url = ui.address.get(3, TimeUnit.MINUTES);
            assertThat(url).startsWith("http://127.0.0.1:").endsWith("/ui/");
            browser = Browser.start(profile);
            browser.get(url);
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofMinutes(3), Duration.ofMillis(200));
            wait.ignoring(StaleElementReferenceException.class);

            // the whole scenario on the page: the ENT outages and the three claims against each
            for (String ent : ENTS) {
                String outage = ent + "@2021-04-06T07:00:00Z";
                wait.until(d -> present(d.findElements(By.cssSelector(
                        "path[data-role='verdict-line'][data-outage='" + outage + "'][data-cause='dc:ovh-sbg2-fire'][data-verdict='UNLINKED']"))));
                for (String claim : List.of("claim-minister-" + ent, "claim-ovhcloud-ceo-" + ent)) {
                    wait.until(d -> present(d.findElements(By.cssSelector("path[data-role='claim-line'][data-outage='" + outage
                            + "'][data-claim='" + claim + "'][data-verdict='UNLINKED']"))));
                }
                wait.until(d -> present(d.findElements(By.cssSelector("path[data-role='verdict-line'][data-outage='" + outage
                        + "'][data-cause='dc:ent-vendor-capacity'][data-verdict='LINKED']"))));
            }
            wait.until(d -> present(d.findElements(By.cssSelector(
                    "path[data-role='verdict-line'][data-outage='" + CNED + "'][data-cause='dc:cned-ddos'][data-verdict='LINKED']"))));
            wait.until(d -> present(d.findElements(By.cssSelector("rect[data-role='outage'][data-outage='" + CNED
                    + "'][data-attribution='EXPLAINED']"))));
            assertThat(browser.findElements(By.cssSelector("path[data-verdict='LINKED'][data-cause='dc:ovh-sbg2-fire'][data-service^='ent-']")))
                    .as("no ENT outage is LINKED to the fire").isEmpty();
            wait.until(d -> "true".equals(d.findElement(By.tagName("body")).getAttribute("data-loaded")));
            // the command has printed its verdicts (it then keeps serving the page)
            wait.until(d -> out.toString(StandardCharsets.UTF_8).contains("dc:cned-ddos"));
            assertThat(browser.findElement(By.id("legend")).getText()).contains("external cause", "no known cause", "LINKED", "UNLINKED", "claim");
            awayFromTheChart(browser);
            Browser.screenshot(browser, SCREENSHOTS.resolve("timeline-demo.png"));

            // click CNED: the panel says why, in words, and how sure
            wait.until(d -> {
                d.findElement(By.cssSelector("rect[data-role='outage'][data-outage='" + CNED + "']")).click();
                return CNED.equals(d.findElement(By.id("panel")).getAttribute("data-selected"));
            });
            WebElement card = wait.until(d -> d.findElement(By.cssSelector(
                    "#panel [data-role='correlation'][data-cause='dc:cned-ddos']")));
            assertThat(card.findElement(By.cssSelector("[data-role='verdict']")).getText()).isEqualTo("LINKED");
            assertThat(card.findElement(By.cssSelector("[data-role='reasons']")).getText())
                    .contains("The event was aimed at this service by name.")
                    .contains("The cause was under way when the outage began");
            assertThat(card.findElement(By.cssSelector("[data-role='confidence']")).getText()).matches("confidence 0\\.9\\d");
            assertThat(card.findElement(By.cssSelector("[data-role='history']")).getText()).contains("Revision history", "first verdict");
            assertThat(card.getText()).contains("minister").contains("cyberattacks");
            awayFromTheChart(browser);
            Browser.screenshot(browser, SCREENSHOTS.resolve("timeline-demo-cned.png"));

            // an ENT outage: LINKED to its vendor's capacity event, UNLINKED from the fire the claims blame
            String ent = "ent-grand-est@2021-04-06T07:00:00Z";
            wait.until(d -> {
                d.findElement(By.cssSelector("rect[data-role='outage'][data-outage='" + ent + "']")).click();
                return ent.equals(d.findElement(By.id("panel")).getAttribute("data-selected"));
            });
            WebElement fire = browser.findElement(By.cssSelector("#panel [data-role='correlation'][data-cause='dc:ovh-sbg2-fire']"));
            assertThat(fire.findElement(By.cssSelector("[data-role='verdict']")).getText()).isEqualTo("UNLINKED");
            assertThat(fire.findElement(By.cssSelector("[data-role='reasons']")).getText())
                    .contains("The service did not run at this provider at all.", "The cause was over before the outage began.");
            assertThat(fire.getText()).contains("OVHcloud is not responsible");
            awayFromTheChart(browser);
            Browser.screenshot(browser, SCREENSHOTS.resolve("timeline-demo-ent.png"));

            // live: a claim produced now appears without a reload
            long seqBefore = Long.parseLong(browser.findElement(By.id("timeline")).getAttribute("data-seq"));
            Object marker = ((JavascriptExecutor) browser).executeScript("window.__notReloaded = true; return true;");
            assertThat(marker).isEqualTo(true);
            produceClaim(connection, registry, prefix);
            wait.until(d -> present(d.findElements(By.cssSelector("[data-role='claim'][data-claims~='claim-it-live']"))));
            assertThat(((JavascriptExecutor) browser).executeScript("return window.__notReloaded === true;")).isEqualTo(true);
            assertThat(Long.parseLong(browser.findElement(By.id("timeline")).getAttribute("data-seq"))).isGreaterThan(seqBefore);
            assertThat(browser.findElement(By.id("conn")).getText()).isEqualTo("live");
        } catch (Exception | AssertionError e) {
            if (browser != null) {
                Browser.screenshot(browser, SCREENSHOTS.resolve("timeline-demo-failure.png"));
            }
            throw new AssertionError(e.getMessage() + "\nstderr of the command:\n" + err.toString(StandardCharsets.UTF_8), e);
        } finally {
            if (browser != null) {
                browser.quit();
            }
            ui.stop.countDown();
        }
        assertThat(run.get(1, TimeUnit.MINUTES)).isZero();
    }

    /** The pointer off the chart, so that no tooltip covers the screenshot. */
    private static void awayFromTheChart(ChromeDriver browser) {
        new Actions(browser).moveToElement(browser.findElement(By.tagName("h1"))).perform();
    }

    private static boolean present(List<WebElement> elements) {
        return !elements.isEmpty();
    }

    private static void produceClaim(ConnectionOptions connection, ApicurioRegistry registry, String prefix) throws Exception {
        Map<String, Object> producerConfig = ClientProperties.from(connection.load());
        Map<String, Object> serdeConfig = new HashMap<>(ConfigLoader.asMap(connection.load()));
        serdeConfig.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registry.url());
        AvroSerde<CauseClaim> serde = AvroSerde.of(CauseClaim.class, serdeConfig, false);
        CauseClaim claim = CauseClaim.newBuilder()
                .setAt(Instant.parse("2021-04-06T11:00:00Z"))
                .setClaim("claim-it-live")
                .setService("cned-maclasse")
                .setProvider("aws")
                .setClaimant("it-reporter")
                .setStatement("a late claim, to see the page update live")
                .build();
        String topic = prefix + "cause-claims";
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerConfig, new StringSerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, null, claim.getAt().toEpochMilli(), claim.getClaim(),
                    serde.serializer().serialize(topic, claim))).get();
        }
    }
}
