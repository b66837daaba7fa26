package dev.eventwire.backup;

/** Told how each backup ended, for monitoring (an alert when none was written for a day, say). */
public interface BackupObserver {
    void written(TakenBackup backup);

    /** The copy could not be written (a full disk, say); refusals of the request itself are not failures. */
    void failed();
}
