package dev.detopt.service.demo;

import dev.detopt.service.infra.ReadyBanner;
import dev.detopt.service.lifecycle.StudyLifecycle;
import dev.detopt.service.study.StudyRepository;
import dev.detopt.service.study.StudyRow;
import dev.detopt.service.study.StudyService;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.io.ClassPathResource;
import org.springframework.stereotype.Component;

/**
 * The demo of the local default ({@code ./run-local} sets {@code detopt.demo.enabled=true}): on a
 * service with no studies yet, creates and starts one example study so the dashboard has something
 * live to show. In the background, because starting a study may simulate its target first.
 */
@Component
@ConditionalOnProperty(name = "detopt.demo.enabled", havingValue = "true")
public class DemoStudy {
    private static final Logger LOG = LoggerFactory.getLogger(DemoStudy.class);

    private final StudyRepository studies;
    private final StudyService service;
    private final StudyLifecycle loop;
    private final String specFile;
    private final ReadyBanner banner;

    public DemoStudy(StudyRepository studies, StudyService service, StudyLifecycle loop, ReadyBanner banner,
                     @Value("${detopt.demo.spec:a-calorimeter-identification.json}") String specFile) {
        this.banner = banner;
        this.studies = studies;
        this.service = service;
        this.loop = loop;
        this.specFile = specFile;
    }

    @EventListener(ApplicationReadyEvent.class)
    public void startDemoWhenEmpty() {
        if (studies.count(null) > 0) {
            LOG.info("demo: studies exist already, no demo study created");
            return;
        }
        Thread.ofVirtual().name("demo-study").start(this::createAndStart);
    }

    private void createAndStart() {
        try (InputStream in = new ClassPathResource("static/assets/examples/" + specFile).getInputStream()) {
            StudyRow created = service.create(new String(in.readAllBytes(), StandardCharsets.UTF_8), "demo");
            loop.start(created.id());
            LOG.info("demo: started study {} ({}) — watch it at {}", created.id(), created.name(), banner.dashboardUrl());
        } catch (IOException | RuntimeException e) {
            LOG.warn("demo: could not start the demo study from {}: {}", specFile, e.toString());
        }
    }
}
