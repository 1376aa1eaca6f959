# The same fit in R with lme4::glmer (nAGQ = 1), for the GLMM benchmark.
# Usage: Rscript bench/glmm-r.R data.csv repeats
# The therapy-group term in the treated arm is glmer's (0 + sft | group) with one placeholder
# group for the controls (their sft is 0, so the placeholder's effect drops out).
suppressMessages(library(lme4))
source(file.path(dirname(sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))), "bench-data.R"))
b <- bench_data("week"); d <- b$d; reps <- b$reps
f <- status ~ arm * week + (1 | id) + (0 + sft | group)
# One untimed fit first (as the JavaScript worker does), for data up to 50,000 rows.
if (nrow(d) <= 50000) invisible(glmer(f, data = d, family = binomial, nAGQ = 1))
times <- numeric(reps)
cpu <- numeric(reps)
for (r in seq_len(reps)) {
  gc()
  st <- system.time(m <- glmer(f, data = d, family = binomial, nAGQ = 1))
  times[r] <- st[["elapsed"]]
  cpu[r] <- st[["user.self"]] + st[["sys.self"]]
}
vc <- as.data.frame(VarCorr(m))
cat(jsonlite::toJSON(list(fitMs = median(times) * 1000, cpuMs = median(cpu) * 1000, logLik = as.numeric(logLik(m)),
  evaluations = m@optinfo$feval, fixed = unname(fixef(m)), se = unname(sqrt(diag(as.matrix(vcov(m))))),
  variances = vc$vcov, nRows = nrow(d)), digits = NA, auto_unbox = TRUE), "\n")
