# The R side of bench/power.bench.ts. Usage:
#   Rscript bench/power-r.R sims.csv nFits   -> simulated-trial loop: lmerTest::lmer + Satterthwaite
#   Rscript bench/power-r.R boot nsim        -> bootMer(nsim) of the SFT sample's PSP model
# Times are CPU seconds (user + system) and elapsed seconds of the loop only.
suppressMessages({ library(lme4); library(lmerTest); library(jsonlite) })
args <- commandArgs(trailingOnly = TRUE)
cpu <- function(t) t[["user.self"]] + t[["sys.self"]]
if (args[1] == "boot") {
  P <- read.csv("data-samples/sft-participants.csv", colClasses = "character", na.strings = "")
  Mx <- read.csv("data-samples/sft-measurements.csv", colClasses = "character", na.strings = "")
  d <- Mx[Mx$instrument == "PSP", c("id", "visit", "score")]
  d$score <- as.numeric(d$score)
  d <- merge(d, P[, c("id", "arm", "group")], by = "id")
  d <- d[!is.na(d$score), ]
  d$arm <- factor(d$arm, levels = c("control", "SFT"))
  d$visit <- factor(d$visit, levels = c("baseline", "9m", "15m"))
  d$sft <- as.integer(d$arm == "SFT")
  d$group <- ifelse(is.na(d$group), "(no cluster)", d$group)
  m1 <- lme4::lmer(score ~ arm * visit + (1 | id) + (0 + sft | group), data = d, REML = TRUE)
  stat <- function(m) c(fixef(m), sigma = sigma(m))
  set.seed(1)
  t <- system.time(suppressMessages(b <- bootMer(m1, stat, nsim = as.integer(args[2]))))
  cat(toJSON(list(nsim = as.integer(args[2]), cpuSeconds = cpu(t), elapsedSeconds = t[["elapsed"]]), auto_unbox = TRUE, digits = NA), "\n")
} else {
  s <- read.csv(args[1], colClasses = c("integer", "numeric", "character", "character", "character", "character", "integer"))
  n <- as.integer(args[2])
  p <- numeric(n)
  t <- system.time(for (r in seq_len(n)) {
    d <- s[s$rep == r - 1, ]
    d$arm <- factor(d$arm, levels = c("0", "1"))
    d$visit <- factor(d$visit, levels = c("0", "1", "2"))
    m <- suppressMessages(lmerTest::lmer(score ~ arm * visit + (1 | id) + (0 + trt | group), data = d, REML = TRUE))
    p[r] <- summary(m)$coefficients["arm1:visit1", "Pr(>|t|)"]
  })
  cat(toJSON(list(fits = n, cpuSeconds = cpu(t), elapsedSeconds = t[["elapsed"]], rejections = sum(p < 0.05)), auto_unbox = TRUE, digits = NA), "\n")
}
