package io.imdsguard.agent.diagnose;

/** What a user can do about each diagnosis, in the words the log and the report show. */
public final class DiagnosisAdvice {

    public static final String HOP_LIMIT =
            "raise HttpPutResponseHopLimit to 2 (aws ec2"
                    + " modify-instance-metadata-options --instance-id <id> --http-put-response-hop-limit 2), or use host"
                    + " networking";

    private DiagnosisAdvice() {}

    public static String of(DiagnosisKind kind, String failure) {
        if (kind == DiagnosisKind.TOKEN_CHURN) {
            return "reuse the IMDSv2 token until shortly before its TTL ends instead of fetching one per read"
                    + " (AWS SDK for Java v1 1.12 fetches one per read; SDK v2 caches it)";
        }
        if (TokenFailure.isNoAnswer(failure)) {
            return HOP_LIMIT;
        }
        if (TokenFailure.isStatus(failure)) {
            return "the token PUT was answered ("
                    + failure
                    + "), so this is not the hop limit: the token endpoint"
                    + " is refused on the way (IMDS off with HttpEndpoint=disabled, or a proxy that blocks PUT or adds"
                    + " X-Forwarded-For); let PUT /latest/api/token through before requiring IMDSv2";
        }
        return "the token PUT could not be sent ("
                + failure
                + "): check that no firewall or network policy blocks"
                + " the token endpoint; from a container, also "
                + HOP_LIMIT;
    }

    /** What the signature means, for the log line. */
    static String meaning(DiagnosisKind kind, String failure) {
        if (kind == DiagnosisKind.TOKEN_CHURN) {
            return "this code fetches a new IMDSv2 token for (nearly) every read, which doubles IMDS traffic and"
                    + " invites throttling";
        }
        if (TokenFailure.isNoAnswer(failure)) {
            return "the application's IMDSv2 token PUT got no answer, then the same code fell back to IMDSv1: the"
                    + " signature of HttpPutResponseHopLimit=1 seen from a container, where it breaks once IMDSv2 is"
                    + " required";
        }
        return "the application's IMDSv2 token PUT failed, then the same code fell back to IMDSv1, which breaks"
                + " once IMDSv2 is required";
    }
}
