package dev.detopt.service.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the Slurm launcher reads job ends: preemptions apart from failures, exit codes, jobcomp/filetxt records. */
class SlurmJobEndTest {

    @Test
    void theScheduler_sEndsArePreemptionsAndTheWorker_sErrorsAreCrashes() {
        for (String state : new String[] {"PREEMPTED", "TIMEOUT", "NODE_FAIL", "CANCELLED by 0", "COMPLETED", "BOOT_FAIL"}) {
            SlurmJobEnd end = SlurmJobEnd.of("7_1", state, 0, "None");
            assertThat(end.preempted()).as(state).isTrue();
            assertThat(end.reason()).startsWith(state.split(" ")[0] + ": job 7_1 ");
        }
        SlurmJobEnd failed = SlurmJobEnd.of("7_2", "FAILED", 3, "NonZeroExitCode");
        assertThat(failed.preempted()).isFalse();
        assertThat(failed.exitCode()).isEqualTo(3);
        assertThat(failed.reason()).isEqualTo("FAILED: job 7_2 exited 3 (NonZeroExitCode)");
        assertThat(SlurmJobEnd.of("7_3", "OUT_OF_MEMORY", 137, "").preempted()).isFalse();
        // The reason's first word is the metric tag (LoggedWorkerEvents.reasonClass).
        assertThat(LoggedWorkerEvents.reasonClass(SlurmJobEnd.of("7_4", "TIMEOUT", -1, null).reason())).isEqualTo("TIMEOUT");
    }

    @Test
    void exitCodesAreStatusOr128PlusTheSignal() {
        assertThat(SlurmJobEnd.exitCode("0:0")).isZero();
        assertThat(SlurmJobEnd.exitCode("2:0")).isEqualTo(2);
        assertThat(SlurmJobEnd.exitCode("0:9")).isEqualTo(137);
        assertThat(SlurmJobEnd.exitCode(null)).isEqualTo(-1);
        assertThat(SlurmJobEnd.exitCode("x")).isEqualTo(-1);
    }

    @Test
    void aJobcompFiletxtRecordNamesItsArrayElement() {
        // A record written by slurm-wlm 22.05's jobcomp/filetxt on the test cluster.
        String line = "JobId=2 UserId=root(0) GroupId=root(0) Name=detopt-worker JobState=COMPLETED Partition=debug "
                + "TimeLimit=5 StartTime=2026-12-07T04:37:32 EndTime=2026-12-07T04:37:36 NodeList=localhost NodeCnt=1 "
                + "ProcCnt=1 WorkDir=/tmp/slt ReservationName= Tres=cpu=1,mem=100M,node=1,billing=1 Account= QOS= WcKey= "
                + "Cluster=unknown SubmitTime=2026-12-07T04:37:31 EligibleTime=2026-12-07T04:37:32 ArrayJobId=1 "
                + "ArrayTaskId=0 DerivedExitCode=0:0 ExitCode=0:0 ";
        Map<String, String> fields = SlurmJobEnd.fields(line);
        assertThat(SlurmJobEnd.key(fields)).isEqualTo("1_0");
        assertThat(fields).containsEntry("JobState", "COMPLETED").containsEntry("ExitCode", "0:0")
                .containsEntry("Tres", "cpu=1,mem=100M,node=1,billing=1").containsEntry("Account", "");
        assertThat(SlurmJobEnd.key(SlurmJobEnd.fields("JobId=12 JobState=FAILED ExitCode=1:0"))).isEqualTo("12");
    }

    @Test
    void timeLimitsInSlurmsDaysHoursMinutesSeconds() {
        assertThat(SlurmWorkerLauncher.slurmTime(Duration.ofHours(4))).isEqualTo("0-04:00:00");
        assertThat(SlurmWorkerLauncher.slurmTime(Duration.ofDays(2).plusMinutes(90).plusSeconds(5))).isEqualTo("2-01:30:05");
        assertThat(SlurmWorkerLauncher.slurmTime(Duration.ofSeconds(10))).isEqualTo("0-00:01:00");
    }
}
