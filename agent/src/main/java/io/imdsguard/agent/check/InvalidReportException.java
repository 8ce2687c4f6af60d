package io.imdsguard.agent.check;

/** An input that is not a report this version can read; the message is one line for the user. */
final class InvalidReportException extends Exception {

    private static final long serialVersionUID = 1L;

    InvalidReportException(String message) {
        super(message);
    }
}
