// loadgen: N simulated faild hosts on two LANs against one daemon, at rates it proves it kept.
//
//   loadgen PORT N INTERVAL_MS MODE DAEMON_A DAEMON_B TEMPLATES SECONDS
//
// MODE: "responders" (answer the daemon's INQs only), "spread" (each host also sends its INQ on
// both LANs every interval, spread evenly over it), "burst" (all INQs at the start of each
// interval). TEMPLATES holds, per host and LAN, the datagrams bench/loadgen.ts built with faild's
// own encoder: an INQ that asks no answer, an INQ that asks every receiver, and an ACK; this
// program only patches the sequence number (and an ACK's target) at the offsets the file gives,
// asks for an ACK as many rounds apart as the file says (faild's rule for its cluster's size),
// so it knows nothing else of the wire format. One socket on 0.0.0.0:PORT sends from each host's
// address (IP_PKTINFO) and hears the daemon's broadcasts and ACKs; sendmmsg/recvmmsg batch the
// system calls; SO_RXQ_OVFL counts what the kernel dropped at our socket. Every second it prints
// one JSON line of counters: what it meant to send and what it did, what it was asked and what it
// answered, what it dropped, and how late its timer ran, so a row where it fell behind is shown
// as such.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 256
#define MAXPKT 1500
#define SLICE_NS 1000000LL /* spread mode: send every 1 ms */

enum { T_INQ = 0, T_ASK = 1, T_ACK = 2 };

typedef struct {
  uint16_t len;
  uint8_t *data;
} tmpl_t;

static int n_hosts, interval_ms;
static uint16_t port_n; /* faild's port, network order */
static uint32_t daemon_addr[2];
static tmpl_t *tmpl; /* [host][lan][kind] */
static uint32_t *host_addr; /* [host][lan], network order */
static uint32_t *host_id; /* node id of host i, host order */
static int off_seq, off_to, off_type, off_flags, header_size, answer_all_bit, type_inq, type_ack;
/* Rounds between a host's INQs that ask for an ACK (faild's rttEvery for this many peers). */
static int ask_every;
static volatile sig_atomic_t stop;

static struct {
  uint64_t inq_intended, inq_rx, ack_asked, ack_rx, other_rx, inq_errors, ack_errors;
  uint32_t overflow;
  double late_max_ms;
  uint64_t late_hist[64]; /* 1 ms buckets, last one open */
} c;

static int64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static tmpl_t *T(int host, int lan, int kind) { return &tmpl[(host * 2 + lan) * 3 + kind]; }

static void die(const char *what) {
  perror(what);
  exit(2);
}

/* A queue of datagrams to send in one sendmmsg: each from its own source address. */
static struct mmsghdr out_msgs[BATCH];
static struct iovec out_iov[BATCH];
static struct sockaddr_in out_to[BATCH];
static uint8_t out_buf[BATCH][MAXPKT];
static char out_ctl[BATCH][CMSG_SPACE(sizeof(struct in_pktinfo))];
static int out_n;
static int sock;
/* What the queue holds now: INQs or ACKs, so a failed send is charged to the right one. */
static int queue_holds_inqs;

static void flush(void) {
  int at = 0;
  while (at < out_n) {
    int r = sendmmsg(sock, out_msgs + at, out_n - at, 0);
    if (r < 0) {
      if (errno == EINTR) continue;
      if (queue_holds_inqs)
        c.inq_errors += out_n - at;
      else
        c.ack_errors += out_n - at;
      break;
    }
    at += r;
  }
  out_n = 0;
}

static void queue(int host, int lan, int kind, uint32_t seq, uint32_t to, uint32_t dst) {
  if (out_n == BATCH) flush();
  tmpl_t *t = T(host, lan, kind);
  uint8_t *b = out_buf[out_n];
  memcpy(b, t->data, t->len);
  uint32_t s = htonl(seq);
  memcpy(b + off_seq, &s, 4);
  if (kind == T_ACK) {
    uint32_t d = htonl(to);
    memcpy(b + off_to, &d, 4);
  }
  out_iov[out_n].iov_base = b;
  out_iov[out_n].iov_len = t->len;
  memset(&out_to[out_n], 0, sizeof out_to[out_n]);
  out_to[out_n].sin_family = AF_INET;
  out_to[out_n].sin_port = port_n;
  out_to[out_n].sin_addr.s_addr = dst;
  struct msghdr *m = &out_msgs[out_n].msg_hdr;
  memset(m, 0, sizeof *m);
  m->msg_name = &out_to[out_n];
  m->msg_namelen = sizeof out_to[out_n];
  m->msg_iov = &out_iov[out_n];
  m->msg_iovlen = 1;
  m->msg_control = out_ctl[out_n];
  m->msg_controllen = sizeof out_ctl[out_n];
  struct cmsghdr *cm = CMSG_FIRSTHDR(m);
  cm->cmsg_level = IPPROTO_IP;
  cm->cmsg_type = IP_PKTINFO;
  cm->cmsg_len = CMSG_LEN(sizeof(struct in_pktinfo));
  struct in_pktinfo pi;
  memset(&pi, 0, sizeof pi);
  pi.ipi_spec_dst.s_addr = host_addr[host * 2 + lan];
  memcpy(CMSG_DATA(cm), &pi, sizeof pi);
  out_n++;
}

/* The daemon's INQ on `lan`: answer for every simulated host it asks (ANSWER-ALL or listed). */
static void answer(int lan, const uint8_t *b, int len) {
  if (len < header_size) return;
  uint32_t seq, from;
  memcpy(&seq, b + off_seq, 4);
  memcpy(&from, b + 4, 4);
  seq = ntohl(seq);
  from = ntohl(from);
  if (b[off_flags] & answer_all_bit) {
    for (int h = 0; h < n_hosts; h++) {
      c.ack_asked++;
      queue(h, lan, T_ACK, seq, from, daemon_addr[lan]);
    }
    return;
  }
  /* TLVs: u8 type, u8 flags, u16 length; type 3 is ANSWER, u32 node ids. */
  int at = header_size;
  while (at + 4 <= len) {
    int type = b[at], tl = (b[at + 2] << 8) | b[at + 3];
    if (at + 4 + tl > len) break;
    if (type == 3) {
      for (int k = 0; k + 4 <= tl; k += 4) {
        uint32_t id;
        memcpy(&id, b + at + 4 + k, 4);
        id = ntohl(id);
        /* Host i's id is its LAN A address 198.18.(1 + i / 250).(1 + i % 250). */
        int x = (id >> 8) & 0xff, y = id & 0xff;
        int h = (x - 1) * 250 + (y - 1);
        if ((id >> 16) != ((198u << 8) | 18u) || h < 0 || h >= n_hosts || y == 0 || y > 250) continue;
        c.ack_asked++;
        queue(h, lan, T_ACK, seq, from, daemon_addr[lan]);
      }
    }
    at += 4 + tl;
  }
}

static struct mmsghdr in_msgs[BATCH];
static struct iovec in_iov[BATCH];
static struct sockaddr_in in_from[BATCH];
static uint8_t in_buf[BATCH][MAXPKT];
static char in_ctl[BATCH][CMSG_SPACE(sizeof(uint32_t)) + CMSG_SPACE(sizeof(struct in_pktinfo))];

static void receive(void) {
  for (;;) {
    for (int i = 0; i < BATCH; i++) {
      in_iov[i].iov_base = in_buf[i];
      in_iov[i].iov_len = MAXPKT;
      struct msghdr *m = &in_msgs[i].msg_hdr;
      memset(m, 0, sizeof *m);
      m->msg_name = &in_from[i];
      m->msg_namelen = sizeof in_from[i];
      m->msg_iov = &in_iov[i];
      m->msg_iovlen = 1;
      m->msg_control = in_ctl[i];
      m->msg_controllen = sizeof in_ctl[i];
    }
    int r = recvmmsg(sock, in_msgs, BATCH, MSG_DONTWAIT, NULL);
    if (r <= 0) return;
    for (int i = 0; i < r; i++) {
      struct msghdr *m = &in_msgs[i].msg_hdr;
      for (struct cmsghdr *cm = CMSG_FIRSTHDR(m); cm; cm = CMSG_NXTHDR(m, cm))
        if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SO_RXQ_OVFL) {
          uint32_t d;
          memcpy(&d, CMSG_DATA(cm), 4);
          if (d > c.overflow) c.overflow = d;
        }
      uint32_t src = in_from[i].sin_addr.s_addr;
      int lan = src == daemon_addr[0] ? 0 : src == daemon_addr[1] ? 1 : -1;
      int len = in_msgs[i].msg_len;
      if (lan < 0 || len < header_size) {
        c.other_rx++;
        continue;
      }
      int type = in_buf[i][off_type];
      if (type == type_inq) {
        c.inq_rx++;
        answer(lan, in_buf[i], len);
      } else if (type == type_ack)
        c.ack_rx++;
      else
        c.other_rx++;
    }
    if (r < BATCH) return;
  }
}

static void late(int64_t ns) {
  double ms = ns / 1e6;
  if (ms > c.late_max_ms) c.late_max_ms = ms;
  int b = (int)ms;
  c.late_hist[b < 63 ? b : 63]++;
}

static double late_p99(void) {
  uint64_t total = 0, seen = 0;
  for (int i = 0; i < 64; i++) total += c.late_hist[i];
  if (!total) return 0;
  for (int i = 0; i < 64; i++) {
    seen += c.late_hist[i];
    if (seen * 100 >= total * 99) return i + 1;
  }
  return 64;
}

static void report(int64_t start) {
  printf("{\"t\":%.3f,\"inqIntended\":%lu,\"inqSent\":%lu,\"inqRx\":%lu,\"ackAsked\":%lu,\"ackSent\":%lu,"
         "\"ackRx\":%lu,\"otherRx\":%lu,\"overflow\":%u,\"sendErrors\":%lu,\"lateMaxMs\":%.2f,\"lateP99Ms\":%.0f}\n",
         (now_ns() - start) / 1e9, c.inq_intended, c.inq_intended - c.inq_errors, c.inq_rx, c.ack_asked,
         c.ack_asked - c.ack_errors, c.ack_rx, c.other_rx, c.overflow, c.inq_errors + c.ack_errors, c.late_max_ms,
         late_p99());
  fflush(stdout);
}

static void on_term(int sig) {
  (void)sig;
  stop = 1;
}

static void load(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) die(path);
  int fields[10];
  if (fread(fields, sizeof(int32_t), 10, f) != 10) die("template header");
  off_seq = fields[0];
  off_to = fields[1];
  off_type = fields[2];
  off_flags = fields[3];
  header_size = fields[4];
  answer_all_bit = fields[5];
  type_inq = fields[6];
  type_ack = fields[7];
  ask_every = fields[9];
  if (ask_every < 1) die("template header: rounds between samples");
  if (fields[8] != n_hosts) {
    fprintf(stderr, "templates for %d hosts, asked for %d\n", fields[8], n_hosts);
    exit(2);
  }
  tmpl = calloc((size_t)n_hosts * 6, sizeof *tmpl);
  host_addr = calloc((size_t)n_hosts * 2, sizeof *host_addr);
  host_id = calloc((size_t)n_hosts, sizeof *host_id);
  for (int h = 0; h < n_hosts; h++) {
    for (int lan = 0; lan < 2; lan++) {
      uint32_t a;
      if (fread(&a, 4, 1, f) != 1) die("template address");
      host_addr[h * 2 + lan] = a; /* written in network order */
      for (int k = 0; k < 3; k++) {
        tmpl_t *t = T(h, lan, k);
        if (fread(&t->len, 2, 1, f) != 1 || t->len > MAXPKT) die("template length");
        t->data = malloc(t->len);
        if (fread(t->data, 1, t->len, f) != t->len) die("template bytes");
      }
    }
    host_id[h] = ntohl(host_addr[h * 2]);
  }
  fclose(f);
}

int main(int argc, char **argv) {
  if (argc != 9) {
    fprintf(stderr, "usage: loadgen PORT N INTERVAL_MS MODE DAEMON_A DAEMON_B TEMPLATES SECONDS\n");
    return 2;
  }
  int port = atoi(argv[1]);
  n_hosts = atoi(argv[2]);
  interval_ms = atoi(argv[3]);
  const char *mode = argv[4];
  int sends = strcmp(mode, "responders") != 0, burst = strcmp(mode, "burst") == 0;
  if (inet_pton(AF_INET, argv[5], &daemon_addr[0]) != 1 || inet_pton(AF_INET, argv[6], &daemon_addr[1]) != 1)
    die("daemon address");
  load(argv[7]);
  double seconds = atof(argv[8]);
  port_n = htons(port);
  signal(SIGTERM, on_term);
  signal(SIGINT, on_term);

  sock = socket(AF_INET, SOCK_DGRAM, 0);
  if (sock < 0) die("socket");
  int one = 1, big = 32 << 20;
  setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  setsockopt(sock, SOL_SOCKET, SO_BROADCAST, &one, sizeof one);
  if (setsockopt(sock, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big) < 0)
    setsockopt(sock, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
  setsockopt(sock, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof big);
  if (setsockopt(sock, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof one) < 0) die("SO_RXQ_OVFL");
  struct sockaddr_in any = {.sin_family = AF_INET, .sin_port = port_n, .sin_addr.s_addr = htonl(INADDR_ANY)};
  if (bind(sock, (struct sockaddr *)&any, sizeof any) < 0) die("bind");

  printf("ready %d hosts, mode %s\n", n_hosts, mode);
  fflush(stdout);
  const int64_t interval = (int64_t)interval_ms * 1000000LL;
  const int64_t start = now_ns();
  const int64_t end = seconds > 0 ? start + (int64_t)(seconds * 1e9) : INT64_MAX;
  int64_t next_report = start + 1000000000LL;
  /* One INQ per host and LAN per interval: 2n, sent in slices (spread) or at once (burst). */
  const int per_interval = 2 * n_hosts;
  const int slices = burst ? 1 : (int)(interval / SLICE_NS);
  int64_t next_slice = start;
  int slice = 0;
  uint32_t round = 0;
  int sent_in_round = 0;
  while (!stop && now_ns() < end) {
    int64_t now = now_ns();
    if (sends && now >= next_slice) {
      late(now - next_slice);
      int upto = (int)((int64_t)per_interval * (slice + 1) / slices);
      queue_holds_inqs = 1;
      for (; sent_in_round < upto; sent_in_round++) {
        int h = sent_in_round / 2, lan = sent_in_round % 2;
        /* Each host asks for an ACK once in ask_every rounds (a round-trip sample), as faild does. */
        int kind = ((uint32_t)h + round) % (uint32_t)ask_every == 0 ? T_ASK : T_INQ;
        queue(h, lan, kind, round + 1, 0, daemon_addr[lan]);
        c.inq_intended++;
      }
      flush();
      queue_holds_inqs = 0;
      if (++slice == slices) {
        slice = 0;
        sent_in_round = 0;
        round++;
      }
      next_slice += burst ? interval : interval / slices;
    }
    receive();
    flush();
    if (now >= next_report) {
      report(start);
      next_report += 1000000000LL;
    }
    int64_t wait = (sends ? next_slice : next_report) - now_ns();
    if (wait > 0) {
      struct pollfd p = {.fd = sock, .events = POLLIN};
      poll(&p, 1, (int)(wait / 1000000LL));
    }
  }
  report(start);
  return 0;
}
