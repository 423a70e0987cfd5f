# Reference numbers for revmark's small-study tests, leave-one-out analyses and optimal
# information sizes (src/stats/small_study.rs, leave_one_out.rs, grade/information_size.rs),
# computed with metafor and by hand in R.
#
# Run from the repository root:
#
#     Rscript tests/reference/make_bias_reference.R
#
# It reads six data sets from the R package metadat (installed with metafor) and (re)writes
# tests/reference/bias.json. The output is deterministic (every number printed with %.17g), so
# a rerun reproduces the file byte for byte. The Rust tests (tests/it/bias_reference.rs) read
# only the JSON, data included: they never need R. Written against R 4.2 / metafor 3.8-1 /
# metadat 1.2-0 (Debian r-cran-metafor).
#
# Data sets (metadat; each has 10 or more studies):
# - dat.bcg: BCG vaccine and tuberculosis, 13 trials (Colditz et al. 1994);
# - dat.egger2001: intravenous magnesium after myocardial infarction, 16 trials (Egger et al.
#   2001), the classic asymmetric funnel;
# - dat.nielweise2007: anti-infective catheters and bloodstream infection, 18 trials (Niel-Weise
#   et al. 2007), with zero cells and one double-zero trial;
# - dat.hackshaw1998: passive smoking and lung cancer, 37 studies given as log odds ratios with
#   variances (Hackshaw et al. 1997), generic inverse variance;
# - dat.gibson2002: asthma self-management education, the 13 studies with means and SDs
#   (Gibson et al. 2002), continuous;
# - dat.lau1992: intravenous streptokinase after myocardial infarction, 33 trials (Lau et al.
#   1992).
#
# Study effects follow revmark's engine (and tests/reference/make_reference.R): OR and RR with
# 0.5 added to every cell of a table with a zero cell (escalc add = 1/2, to = "only0",
# drop00 = FALSE) and double-zero tables not estimable; RD uncorrected with the corrected
# cells' variance; Peto log odds ratios escalc("PETO", add = 0); SMD is Review Manager's
# Hedges' adjusted g by hand.
#
# - Egger: regtest(rma(yi, vi, method = "FE"), model = "lm", predictor = "sei"): the slope on
#   the SE of the weighted least-squares fit, its SE, t, df and p, and the intercept.
# - Peters: by hand, lm(yi ~ I(1 / N), weights = S * F / N) with S and F the events and
#   non-events of both arms together and N the participants, as entered (no correction).
# - Leave-one-out: leave1out() on rma(method = "FE" / "DL" / "REML" / "PM", test = "z" or
#   "knha") for inverse variance; by hand for Mantel-Haenszel (rma.mh on each left-out set,
#   with the DerSimonian-Laird tau2 from rma.mh's Q for random effects) and Peto (rma.peto).
#   I2 is Q-based, (Q - df) / Q, as Review Manager gives it.
# - Optimal information size (GRADE guideline 6): the sample size of a two-arm trial, by hand:
#   two proportions n = (z_a sqrt(2 pbar qbar) + z_b sqrt(p1 q1 + p2 q2))^2 / (p1 - p2)^2 per
#   arm (the normal formula that power.prop.test solves), two means
#   n = 2 (z_a + z_b)^2 sd^2 / delta^2 per arm; the total is twice the per-arm size rounded up.
# - Contours of the funnel plot: qnorm(1 - p / 2) for p = 0.01, 0.05, 0.10.

suppressPackageStartupMessages(library(metafor))

num <- function(x) {
  if (length(x) == 0 || is.null(x) || is.na(x)) "null" else sprintf("%.17g", x)
}
vec <- function(x) paste0("[", paste(vapply(x, num, ""), collapse = ", "), "]")
obj <- function(...) {
  fields <- list(...)
  paste0("{", paste(sprintf("\"%s\": %s", names(fields), unlist(fields)), collapse = ", "), "}")
}
str <- function(s) sprintf("\"%s\"", s)
tight <- list(threshold = 1e-11, tol = 1e-13, maxiter = 10000)

## ---------------------------------------------------------------- data sets

dich <- function(ai, n1i, ci, n2i) list(type = "dichotomous", ai = ai, n1i = n1i, ci = ci, n2i = n2i)
gibson <- dat.gibson2002[!is.na(dat.gibson2002$m1i), ]
datasets <- list(
  bcg = with(dat.bcg, dich(tpos, tpos + tneg, cpos, cpos + cneg)),
  egger2001 = with(dat.egger2001, dich(ai, n1i, ci, n2i)),
  nielweise2007 = with(dat.nielweise2007, dich(ai, n1i, ci, n2i)),
  hackshaw1998 = list(type = "generic", yi = dat.hackshaw1998$yi, sei = sqrt(dat.hackshaw1998$vi)),
  gibson2002 = with(gibson, list(type = "continuous", m1i = m1i, sd1i = sd1i, n1i = n1i,
                                 m2i = m2i, sd2i = sd2i, n2i = n2i)),
  lau1992 = with(dat.lau1992, dich(ai, n1i, ci, n2i))
)

subset_data <- function(d, keep) {
  out <- d
  for (f in setdiff(names(d), "type")) out[[f]] <- d[[f]][keep]
  out
}

## ---------------------------------------------------------------- study effects

corrected <- function(d) {
  zero <- d$ai == 0 | d$n1i - d$ai == 0 | d$ci == 0 | d$n2i - d$ci == 0
  add <- ifelse(zero, 0.5, 0)
  list(a = d$ai + add, b = d$n1i - d$ai + add, c = d$ci + add, d = d$n2i - d$ci + add)
}

# yi and vi per row (NA = not estimable), as the forest plot shows them.
study_effects <- function(d, measure, method) {
  if (d$type == "generic") return(list(yi = d$yi, vi = d$sei^2))
  if (d$type == "continuous") {
    if (measure == "MD") {
      e <- escalc("MD", m1i = d$m1i, sd1i = d$sd1i, n1i = d$n1i, m2i = d$m2i, sd2i = d$sd2i, n2i = d$n2i)
      return(list(yi = as.numeric(e$yi), vi = as.numeric(e$vi)))
    }
    n <- d$n1i + d$n2i
    s <- sqrt(((d$n1i - 1) * d$sd1i^2 + (d$n2i - 1) * d$sd2i^2) / (n - 2))
    g <- (1 - 3 / (4 * n - 9)) * (d$m1i - d$m2i) / s
    return(list(yi = g, vi = n / (d$n1i * d$n2i) + g^2 / (2 * (n - 3.94))))
  }
  if (method == "Peto") {
    e <- escalc("PETO", ai = d$ai, n1i = d$n1i, ci = d$ci, n2i = d$n2i, add = 0, to = "none")
    yi <- as.numeric(e$yi); vi <- as.numeric(e$vi)
    bad <- !is.finite(yi) | !is.finite(vi)
    yi[bad] <- NA; vi[bad] <- NA
    return(list(yi = yi, vi = vi))
  }
  if (measure == "RD") {
    t <- corrected(d)
    n1 <- t$a + t$b; n2 <- t$c + t$d
    return(list(yi = d$ai / d$n1i - d$ci / d$n2i, vi = t$a * t$b / n1^3 + t$c * t$d / n2^3))
  }
  e <- escalc(measure, ai = d$ai, n1i = d$n1i, ci = d$ci, n2i = d$n2i, add = 1/2, to = "only0", drop00 = FALSE)
  yi <- as.numeric(e$yi); vi <- as.numeric(e$vi)
  double_zero <- d$ai == 0 & d$ci == 0
  yi[double_zero] <- NA; vi[double_zero] <- NA
  list(yi = yi, vi = vi)
}

settings_json <- function(measure, method, model = "fixed", tau2_method = "DL", hksj = FALSE) {
  obj(measure = str(measure), method = str(method), model = str(model), tau2 = str(tau2_method),
      hksj = if (hksj) "true" else "false")
}

## ---------------------------------------------------------------- small-study tests

coefficients_json <- function(coefs, df) {
  obj(estimate = num(coefs[2, 1]), se = num(coefs[2, 2]), t = num(coefs[2, 3]), df = num(df),
      p = num(coefs[2, 4]), intercept = num(coefs[1, 1]))
}

egger <- function(yi, vi) {
  test <- regtest(rma(yi, vi, method = "FE"), model = "lm", predictor = "sei")
  coefficients_json(coef(summary(test$fit)), test$dfs)
}

peters <- function(d, yi) {
  n <- d$n1i + d$n2i
  events <- d$ai + d$ci
  weight <- events * (n - events) / n
  keep <- !is.na(yi) & weight > 0
  x <- 1 / n[keep]
  fit <- lm(yi[keep] ~ x, weights = weight[keep])
  coefficients_json(coef(summary(fit)), fit$df.residual)
}

small_study_case <- function(name, data, measure, method) {
  d <- datasets[[data]]
  eff <- study_effects(d, measure, method)
  keep <- !is.na(eff$yi)
  expected <- obj(
    studies = num(sum(keep)),
    egger = egger(eff$yi[keep], eff$vi[keep]),
    peters = if (d$type == "dichotomous") peters(d, eff$yi) else "null")
  paste0("    ", obj(name = str(name), data = str(data), settings = settings_json(measure, method),
                     expected = expected))
}

## ---------------------------------------------------------------- leave-one-out

q_based_i2 <- function(q, df) if (df > 0) (if (q > 0) max(0, (q - df) / q) * 100 else 0) else NA

mh_fit <- function(d, measure) {
  rma.mh(ai = d$ai, n1i = d$n1i, ci = d$ci, n2i = d$n2i, measure = measure,
         add = c(1/2, 1/2), to = c("only0", "only0"), drop00 = c(FALSE, FALSE))
}

# One left-out set analysed by Mantel-Haenszel or Peto: estimate, CI, p, Q, tau2.
by_hand <- function(d, measure, method, model) {
  eff <- study_effects(d, measure, method)
  keep <- !is.na(eff$yi)
  d <- subset_data(d, keep)
  yi <- eff$yi[keep]; vi <- eff$vi[keep]
  fixed <- if (method == "Peto") rma.peto(ai = d$ai, n1i = d$n1i, ci = d$ci, n2i = d$n2i)
           else mh_fit(d, measure)
  if (model == "fixed") {
    return(list(estimate = as.numeric(fixed$beta), ci.lb = fixed$ci.lb, ci.ub = fixed$ci.ub,
                pval = fixed$pval, Q = fixed$QE, tau2 = NA, k = length(yi)))
  }
  w <- 1 / vi
  tau2 <- max(0, (fixed$QE - (length(yi) - 1)) / (sum(w) - sum(w^2) / sum(w)))
  random <- rma(yi, vi, tau2 = tau2)
  list(estimate = as.numeric(random$beta), ci.lb = random$ci.lb, ci.ub = random$ci.ub,
       pval = random$pval, Q = fixed$QE, tau2 = tau2, k = length(yi))
}

leave_one_out_case <- function(name, data, measure, method, model, tau2_method = "DL", hksj = FALSE) {
  d <- datasets[[data]]
  eff <- study_effects(d, measure, method)
  estimable <- which(!is.na(eff$yi))
  if (method == "IV") {
    fit <- rma(eff$yi[estimable], eff$vi[estimable],
               method = if (model == "fixed") "FE" else tau2_method,
               test = if (hksj) "knha" else "z", control = tight)
    l <- leave1out(fit)
    k <- length(estimable) - 1
    out <- list(estimate = l$estimate, ci.lb = l$ci.lb, ci.ub = l$ci.ub, pval = l$pval, Q = l$Q,
                tau2 = if (model == "fixed") rep(NA, length(estimable)) else l$tau2,
                k = rep(k, length(estimable)))
  } else {
    parts <- lapply(estimable, function(i) by_hand(subset_data(d, -i), measure, method, model))
    out <- lapply(setNames(nm = c("estimate", "ci.lb", "ci.ub", "pval", "Q", "tau2", "k")),
                  function(f) vapply(parts, function(p) p[[f]], 0))
  }
  i2 <- mapply(q_based_i2, out$Q, out$k - 1)
  expected <- obj(row = vec(estimable - 1), estimate = vec(out$estimate), ci_low = vec(out$ci.lb),
                  ci_high = vec(out$ci.ub), p = vec(out$pval), i2 = vec(i2), tau2 = vec(out$tau2))
  paste0("    ", obj(name = str(name), data = str(data),
                     settings = settings_json(measure, method, model, tau2_method, hksj),
                     expected = expected))
}

## ---------------------------------------------------------------- optimal information size

za <- function(alpha) qnorm(1 - alpha / 2)

proportions_case <- function(name, data, measure, important, alpha = 0.05, power = 0.8) {
  d <- datasets[[data]]
  p1 <- sum(d$ci) / sum(d$n2i)
  p2 <- switch(measure,
    RR = p1 / important,
    OR = { odds <- p1 / (1 - p1) / important; odds / (1 + odds) },
    RD = p1 - important)
  pbar <- (p1 + p2) / 2
  n <- (za(alpha) * sqrt(2 * pbar * (1 - pbar)) + qnorm(power) * sqrt(p1 * (1 - p1) + p2 * (1 - p2)))^2 /
    (p1 - p2)^2
  paste0("    ", obj(name = str(name), data = str(data), kind = str("proportions"),
                     measure = str(measure), important = num(important), alpha = num(alpha),
                     power = num(power), comparator = num(p1), intervention = num(p2),
                     per_arm = num(n), total = num(2 * ceiling(n))))
}

means_case <- function(name, data, measure, important, alpha = 0.05, power = 0.8) {
  d <- datasets[[data]]
  sd <- if (measure == "SMD") 1 else
    sqrt(sum((d$n1i - 1) * d$sd1i^2 + (d$n2i - 1) * d$sd2i^2) / sum(d$n1i - 1 + d$n2i - 1))
  n <- 2 * (za(alpha) + qnorm(power))^2 * sd^2 / important^2
  paste0("    ", obj(name = str(name), data = str(data), kind = str("means"),
                     measure = str(measure), important = num(important), alpha = num(alpha),
                     power = num(power), sd = num(sd), per_arm = num(n),
                     total = num(2 * ceiling(n))))
}

## ---------------------------------------------------------------- JSON output

dataset_json <- function(name, d) {
  fields <- setdiff(names(d), "type")
  paste0("    ", str(name), ": ", obj(type = str(d$type), columns = paste0("{", paste(
    sprintf("\"%s\": %s", fields, vapply(fields, function(f) vec(d[[f]]), "")), collapse = ", "), "}")))
}

small_study_cases <- c(
  small_study_case("bcg_rr", "bcg", "RR", "MH"),
  small_study_case("bcg_or", "bcg", "OR", "IV"),
  small_study_case("egger2001_or", "egger2001", "OR", "MH"),
  small_study_case("egger2001_peto", "egger2001", "OR", "Peto"),
  small_study_case("nielweise2007_or", "nielweise2007", "OR", "MH"),
  small_study_case("nielweise2007_rr", "nielweise2007", "RR", "IV"),
  small_study_case("hackshaw1998_generic", "hackshaw1998", "GenericRatio", "IV"),
  small_study_case("gibson2002_smd", "gibson2002", "SMD", "IV"),
  small_study_case("gibson2002_md", "gibson2002", "MD", "IV"),
  small_study_case("lau1992_or", "lau1992", "OR", "MH"),
  small_study_case("lau1992_rd", "lau1992", "RD", "MH")
)

leave_one_out_cases <- c(
  leave_one_out_case("bcg_rr_iv_fixed", "bcg", "RR", "IV", "fixed"),
  leave_one_out_case("bcg_rr_iv_random_dl", "bcg", "RR", "IV", "random", "DL"),
  leave_one_out_case("bcg_rr_iv_random_reml", "bcg", "RR", "IV", "random", "REML"),
  leave_one_out_case("bcg_rr_iv_random_dl_hksj", "bcg", "RR", "IV", "random", "DL", TRUE),
  leave_one_out_case("bcg_rr_mh_fixed", "bcg", "RR", "MH", "fixed"),
  leave_one_out_case("bcg_rr_mh_random_dl", "bcg", "RR", "MH", "random", "DL"),
  leave_one_out_case("egger2001_or_mh_fixed", "egger2001", "OR", "MH", "fixed"),
  leave_one_out_case("egger2001_peto_fixed", "egger2001", "OR", "Peto", "fixed"),
  leave_one_out_case("egger2001_or_iv_random_pm", "egger2001", "OR", "IV", "random", "PM"),
  leave_one_out_case("nielweise2007_or_mh_fixed", "nielweise2007", "OR", "MH", "fixed"),
  leave_one_out_case("nielweise2007_rr_iv_random_reml", "nielweise2007", "RR", "IV", "random", "REML"),
  leave_one_out_case("hackshaw1998_generic_iv_random_dl", "hackshaw1998", "GenericRatio", "IV", "random", "DL"),
  leave_one_out_case("gibson2002_smd_iv_random_dl", "gibson2002", "SMD", "IV", "random", "DL"),
  leave_one_out_case("gibson2002_md_iv_fixed", "gibson2002", "MD", "IV", "fixed"),
  leave_one_out_case("lau1992_or_mh_random_dl", "lau1992", "OR", "MH", "random", "DL")
)

information_size_cases <- c(
  proportions_case("bcg_rr", "bcg", "RR", 1.25),
  proportions_case("egger2001_or", "egger2001", "OR", 1.25),
  proportions_case("nielweise2007_rr", "nielweise2007", "RR", 1.5),
  proportions_case("lau1992_rd", "lau1992", "RD", 0.02),
  proportions_case("lau1992_or_strict", "lau1992", "OR", 1.25, alpha = 0.01, power = 0.9),
  means_case("gibson2002_md", "gibson2002", "MD", 2),
  means_case("gibson2002_smd", "gibson2002", "SMD", 0.2),
  means_case("gibson2002_md_strict", "gibson2002", "MD", 2, alpha = 0.01, power = 0.9)
)

contours <- vapply(c(0.01, 0.05, 0.10), function(p) paste0("    ", obj(p = num(p), z = num(za(p)))), "")

json <- paste0(
  "{\n",
  "  \"generated_by\": \"Rscript tests/reference/make_bias_reference.R (metafor ",
  packageVersion("metafor"), ", metadat ", packageVersion("metadat"), ")\",\n",
  "  \"datasets\": {\n", paste(mapply(dataset_json, names(datasets), datasets), collapse = ",\n"), "\n  },\n",
  "  \"small_study\": [\n", paste(small_study_cases, collapse = ",\n"), "\n  ],\n",
  "  \"leave_one_out\": [\n", paste(leave_one_out_cases, collapse = ",\n"), "\n  ],\n",
  "  \"information_size\": [\n", paste(information_size_cases, collapse = ",\n"), "\n  ],\n",
  "  \"contours\": [\n", paste(contours, collapse = ",\n"), "\n  ]\n",
  "}\n")
writeLines(json, "tests/reference/bias.json", sep = "")
