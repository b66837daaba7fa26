package dev.eventwire.observability;

import dev.eventwire.backup.BackupObserver;
import dev.eventwire.backup.TakenBackup;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Backups written and failed ({@code eventwire_backups_total{outcome}}), the end of the latest one written
 * ({@code eventwire_backup_last_written_timestamp_seconds}, 0 until one is) and its size: what an alert
 * on a missed nightly backup reads.
 */
public final class BackupMeters implements BackupObserver {
    private final Counter written;
    private final Counter failed;
    private final AtomicLong lastWrittenEpochMillis = new AtomicLong();
    private final AtomicLong lastBytes = new AtomicLong();

    public BackupMeters(Telemetry telemetry) {
        this.written = counter(telemetry, "written");
        this.failed = counter(telemetry, "failed");
        Gauge.builder("eventwire.backup.last.written.timestamp", lastWrittenEpochMillis, v -> v.get() / 1000.0)
                .description("When the latest backup this process wrote was complete, in seconds since the epoch; 0 until one is")
                .baseUnit("seconds").register(telemetry.registry());
        Gauge.builder("eventwire.backup.last.written.size", lastBytes, AtomicLong::get)
                .description("The size of the latest backup this process wrote")
                .baseUnit("bytes").register(telemetry.registry());
    }

    private static Counter counter(Telemetry telemetry, String outcome) {
        return Counter.builder("eventwire.backups").tag("outcome", outcome)
                .description("Backups by outcome: written, or failed (the copy could not be written; refused requests are not counted)")
                .register(telemetry.registry());
    }

    @Override
    public void written(TakenBackup backup) {
        written.increment();
        lastWrittenEpochMillis.set(backup.startedAt().plus(backup.took()).toEpochMilli());
        lastBytes.set(backup.bytes());
    }

    @Override
    public void failed() {
        failed.increment();
    }
}
