package dev.detopt.service.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.detopt.service.study.StudyRepository;
import dev.detopt.service.study.StudyRow;
import dev.detopt.service.study.StudyStatus;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;

/** The local default's demo: an empty service creates and starts the configured example study. */
@SpringBootTest(properties = {"detopt.demo.enabled=true", "detopt.demo.spec=c-branching-radius.json"})
@ActiveProfiles("test")
class DemoStudyTest {

    @Autowired
    StudyRepository studies;

    @Test
    void anEmptyServiceStartsTheDemoStudy() {
        await().atMost(Duration.ofSeconds(60)).until(() -> studies.count(StudyStatus.RUNNING) == 1);
        List<StudyRow> running = studies.list(StudyStatus.RUNNING, 10, 0);
        assertThat(running).singleElement().satisfies(study -> {
            assertThat(study.name()).startsWith("(c) branching shower");
            assertThat(study.owner()).isEqualTo("demo");
        });
        assertThat(studies.count(null)).isEqualTo(1);
    }
}
