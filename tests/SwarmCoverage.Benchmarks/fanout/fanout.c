/* Cyclone DDS from C, in the shape the controller publishes: one reliable writer per robot topic, one sample each
   per tick. `fanout sub N [SECONDS]` reads every topic; `fanout pub N RATE TICKS` writes N samples a tick at RATE Hz after
   every writer matched, and prints the p50 and p99 of a tick's writes and `us_per_sample=<p50 / N>`.
   Built and run by against-baseline.sh (docs/speed.md); not part of the program. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "dds/dds.h"
#include "Twist.h"

static double now_s(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec; }
static int cmp(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b; return (x > y) - (x < y); }

int main(int argc, char **argv)
{
  if (argc < 3) { fprintf(stderr, "usage: fanout sub N | fanout pub N RATE TICKS\n"); return 2; }
  int n = atoi(argv[2]);
  if (n <= 0 || n > 100000) { fprintf(stderr, "fanout: N must be in 1..100000, not '%s'\n", argv[2]); return 2; }
  dds_entity_t pp = dds_create_participant(DDS_DOMAIN_DEFAULT, NULL, NULL);
  if (pp < 0) { fprintf(stderr, "fanout: dds_create_participant: %s\n", dds_strretcode(pp)); return 1; }
  dds_qos_t *qos = dds_create_qos();
  dds_qset_reliability(qos, DDS_RELIABILITY_RELIABLE, DDS_MSECS(100));
  dds_qset_history(qos, DDS_HISTORY_KEEP_LAST, 10);
  dds_entity_t *ents = calloc((size_t)n, sizeof *ents);
  char name[64];
  for (int i = 0; i < n; i++)
  {
    snprintf(name, sizeof name, "rt/robot_%d/cmd_vel", i);
    dds_entity_t tp = dds_create_topic(pp, &fanout_Twist_desc, name, NULL, NULL);
    ents[i] = strcmp(argv[1], "sub") == 0 ? dds_create_reader(pp, tp, qos, NULL) : dds_create_writer(pp, tp, qos, NULL);
    if (ents[i] < 0) { fprintf(stderr, "fanout: create %d: %s\n", i, dds_strretcode(ents[i])); return 1; }
  }
  if (strcmp(argv[1], "sub") == 0)
  {
    /* Takes what arrived on every topic every 5 ms, as the simulator does each step, for SECONDS (argv[3], default 60). */
    double end = now_s() + (argc > 3 ? atof(argv[3]) : 60);
    fanout_Twist s; void *ptr = &s; dds_sample_info_t info; long got = 0;
    printf("READY\n"); fflush(stdout);
    while (now_s() < end)
    {
      for (int i = 0; i < n; i++) while (dds_take(ents[i], &ptr, &info, 1, 1) > 0) got++;
      dds_sleepfor(DDS_MSECS(5));
    }
    printf("received %ld\n", got);
    return 0;
  }
  if (argc < 5) { fprintf(stderr, "usage: fanout pub N RATE TICKS\n"); return 2; }
  double rate = atof(argv[3]); int ticks = atoi(argv[4]);
  if (!(rate > 0) || ticks <= 0) { fprintf(stderr, "fanout: RATE and TICKS must be positive\n"); return 2; }
  for (int i = 0; i < n; i++)
  {
    dds_publication_matched_status_t st;
    double until = now_s() + 30;
    do { dds_get_publication_matched_status(ents[i], &st); if (st.current_count > 0) break; dds_sleepfor(DDS_MSECS(5)); } while (now_s() < until);
    if (st.current_count == 0) { fprintf(stderr, "fanout: writer %d never matched\n", i); return 1; }
  }
  double *t = calloc((size_t)ticks, sizeof *t);
  fanout_Twist s = { { 0, 0, 0 }, { 0, 0, 0 } };
  double next = now_s();
  for (int k = 0; k < ticks; k++)
  {
    next += 1.0 / rate;
    double a = now_s();
    for (int i = 0; i < n; i++) { s.linear.x = k; s.angular.z = i; dds_write(ents[i], &s); }
    t[k] = now_s() - a;
    double w = next - now_s();
    if (w > 0) dds_sleepfor(DDS_SECS(w));
  }
  qsort(t, (size_t)ticks, sizeof *t, cmp);
  printf("ticks %d, %d writers: p50 %.3f ms, p99 %.3f ms a tick\n", ticks, n, 1e3 * t[ticks / 2], 1e3 * t[(ticks * 99) / 100]);
  printf("us_per_sample=%.3f\n", 1e6 * t[ticks / 2] / n);
  return 0;
}
