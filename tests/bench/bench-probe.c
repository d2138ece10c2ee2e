/* bench-probe.c: load for portier-probe-server, from this machine only
 *
 *   bench-probe throughput --server HOST:PORT [--clients N] [--seconds S] [--max N]
 *   bench-probe pending    --server HOST:PORT --count N [--server-pid PID]
 *
 * throughput: N clients in a loop, each a real probe: HTTP request, the server connects
 *   back to this process's listener, which answers with the token; the server answers
 *   “reachable”. Prints probes per second and latency percentiles.
 * pending: N probes at once toward a port whose listener never accepts (its backlog is
 *   full), so each stays pending until the server's connect timeout. Prints how many the
 *   server took, how many it turned away (503) and how long the slowest of those waited
 *   for its answer, and the server's memory meanwhile.
 *
 * One thread, epoll, non-blocking sockets: the load generator should cost less CPU than
 * the server it measures. Loopback only: the server must be on 127.0.0.1.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define TOKEN "0123456789abcdef0123456789abcdef"
#define RESPONSE_MAX 2048

typedef enum { KIND_LISTENER, KIND_REQUEST } Kind;

typedef struct
{
  Kind   kind;
  int    fd;
  int    sent;
  int    received_length;
  char   response[RESPONSE_MAX];
  double started;
} Slot;

static struct sockaddr_in server_address;
static int epoll_fd;
static char request[512];
static int request_length;

static double
now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
die (const char *what)
{
  perror (what);
  exit (2);
}

static void
raise_fd_limit (void)
{
  struct rlimit limit;

  if (getrlimit (RLIMIT_NOFILE, &limit) == 0)
    {
      limit.rlim_cur = limit.rlim_max;
      setrlimit (RLIMIT_NOFILE, &limit);
    }
}

static int
make_listener (int backlog,
               int *port)
{
  struct sockaddr_in address = { .sin_family = AF_INET };
  socklen_t length = sizeof address;
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  int one = 1;

  if (fd < 0)
    die ("socket");
  setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  if (bind (fd, (struct sockaddr *) &address, sizeof address) < 0 || listen (fd, backlog) < 0)
    die ("listen");
  getsockname (fd, (struct sockaddr *) &address, &length);
  *port = ntohs (address.sin_port);
  return fd;
}

static void
prepare_request (int port)
{
  char body[128];
  int body_length = snprintf (body, sizeof body,
                              "{\"port\":%d,\"protocol\":\"tcp\",\"token\":\"" TOKEN "\"}", port);

  request_length = snprintf (request, sizeof request,
                             "POST /v1/probe HTTP/1.1\r\nHost: bench\r\n"
                             "Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
                             body_length, body);
}

static int
start_request (Slot *slot)
{
  struct epoll_event event = { .events = EPOLLOUT | EPOLLIN, .data.ptr = slot };
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  int one = 1;

  if (fd < 0)
    return -1;
  setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (connect (fd, (struct sockaddr *) &server_address, sizeof server_address) < 0 &&
      errno != EINPROGRESS)
    {
      close (fd);
      return -1;
    }
  slot->kind = KIND_REQUEST;
  slot->fd = fd;
  slot->sent = 0;
  slot->received_length = 0;
  slot->started = now ();
  if (epoll_ctl (epoll_fd, EPOLL_CTL_ADD, fd, &event) < 0)
    die ("epoll_ctl");
  return 0;
}

/* Returns 1 when the response is complete (the server closed the connection), 0 while
 * more is to come, -1 on a connection error. */
static int
pump (Slot     *slot,
      uint32_t  events)
{
  if (slot->sent < request_length && (events & EPOLLOUT))
    {
      ssize_t n = send (slot->fd, request + slot->sent, request_length - slot->sent,
                        MSG_NOSIGNAL);
      if (n < 0 && errno != EAGAIN)
        return -1;
      if (n > 0)
        slot->sent += n;
      if (slot->sent == request_length)
        {
          struct epoll_event event = { .events = EPOLLIN, .data.ptr = slot };
          epoll_ctl (epoll_fd, EPOLL_CTL_MOD, slot->fd, &event);
        }
    }
  if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
    {
      while (1)
        {
          ssize_t n = recv (slot->fd, slot->response + slot->received_length,
                            RESPONSE_MAX - 1 - slot->received_length, 0);
          if (n > 0)
            {
              slot->received_length += n;
              if (slot->received_length >= RESPONSE_MAX - 1)
                return 1;
              continue;
            }
          if (n == 0)
            return 1;
          if (errno == EAGAIN)
            return 0;
          return slot->received_length > 0 ? 1 : -1;
        }
    }
  return 0;
}

static void
finish_slot (Slot *slot)
{
  epoll_ctl (epoll_fd, EPOLL_CTL_DEL, slot->fd, NULL);
  close (slot->fd);
  slot->response[slot->received_length] = '\0';
}

static int
status_of (Slot *slot)
{
  int status = 0;

  sscanf (slot->response, "HTTP/1.%*d %d", &status);
  return status;
}

static void
accept_all (int listener)
{
  while (1)
    {
      int fd = accept4 (listener, NULL, NULL, SOCK_NONBLOCK);

      if (fd < 0)
        return;
      /* Portier's temporary listener does just this: the token, then close. */
      send (fd, TOKEN "\n", sizeof TOKEN, MSG_NOSIGNAL);
      close (fd);
    }
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static int
throughput (int    clients,
            double seconds,
            long   max_probes)
{
  Slot listener_slot = { .kind = KIND_LISTENER };
  struct epoll_event event = { .events = EPOLLIN, .data.ptr = &listener_slot };
  struct epoll_event events[256];
  Slot *slots = calloc (clients, sizeof (Slot));
  size_t capacity = 1 << 20;
  double *latencies = malloc (capacity * sizeof (double));
  long done = 0, failed = 0, started = 0, active = 0;
  double begin, end, deadline;
  int port;

  listener_slot.fd = make_listener (4096, &port);
  prepare_request (port);
  if (epoll_ctl (epoll_fd, EPOLL_CTL_ADD, listener_slot.fd, &event) < 0)
    die ("epoll_ctl");

  begin = now ();
  deadline = begin + seconds;
  for (int i = 0; i < clients; i++)
    if (start_request (&slots[i]) == 0)
      started++, active++;

  while (active > 0)
    {
      int n = epoll_wait (epoll_fd, events, 256, 1000);

      for (int i = 0; i < n; i++)
        {
          Slot *slot = events[i].data.ptr;
          int state;

          if (slot->kind == KIND_LISTENER)
            {
              accept_all (slot->fd);
              continue;
            }
          state = pump (slot, events[i].events);
          if (state == 0)
            continue;

          finish_slot (slot);
          active--;
          if (state == 1 && status_of (slot) == 200 && strstr (slot->response, "\"reachable\""))
            {
              if ((size_t) done < capacity)
                latencies[done] = now () - slot->started;
              done++;
            }
          else
            failed++;

          if (now () < deadline && (max_probes <= 0 || started < max_probes) &&
              start_request (slot) == 0)
            started++, active++;
        }
    }
  end = now ();

  qsort (latencies, done < (long) capacity ? done : (long) capacity, sizeof (double),
         compare_doubles);
  printf ("clients=%d seconds=%.2f probes=%ld failed=%ld probes_per_second=%.0f "
          "p50_ms=%.2f p99_ms=%.2f\n",
          clients, end - begin, done, failed, done / (end - begin),
          done > 0 ? latencies[done / 2] * 1000 : 0,
          done > 0 ? latencies[(long) (done * 0.99)] * 1000 : 0);
  free (latencies);
  free (slots);
  close (listener_slot.fd);
  return done > 0 ? 0 : 1;
}

static long
server_memory_kb (int         pid,
                  const char *field)
{
  char path[64], line[256];
  long value = -1;
  FILE *file;

  if (pid <= 0)
    return -1;
  snprintf (path, sizeof path, "/proc/%d/status", pid);
  if ((file = fopen (path, "r")) == NULL)
    return -1;
  while (fgets (line, sizeof line, file) != NULL)
    if (strncmp (line, field, strlen (field)) == 0)
      value = strtol (line + strlen (field) + 1, NULL, 10);
  fclose (file);
  return value;
}

/* The longest a request waited for its 503. */
static double busy_wait_max;

/* Reads what is ready; counts each answer. Returns how many requests ended. */
static long
collect (struct epoll_event *events,
         int                 n,
         long               *busy,
         long               *timeouts,
         long               *other)
{
  long ended = 0;

  for (int e = 0; e < n; e++)
    {
      Slot *slot = events[e].data.ptr;
      int state = pump (slot, events[e].events);

      if (state == 0)
        continue;
      finish_slot (slot);
      ended++;
      if (status_of (slot) == 503)
        {
          double waited = now () - slot->started;

          (*busy)++;
          if (waited > busy_wait_max)
            busy_wait_max = waited;
        }
      else if (strstr (slot->response, "\"timeout\""))
        (*timeouts)++;
      else
        (*other)++;
    }
  return ended;
}

static int
pending (long count,
         int  server_pid)
{
  struct epoll_event events[256];
  Slot *slots = calloc (count, sizeof (Slot));
  long open_requests = 0, busy = 0, other = 0, timeouts = 0;
  long max_rss = -1, open_at_max = 0, busy_at_max = 0;
  double begin, next_sample = 0;
  int port, blackhole, filler, n;
  struct sockaddr_in address = { .sin_family = AF_INET };

  /* A listener that never accepts, its one-connection backlog taken: further connects
   * hang, unanswered, until the server gives up on them. */
  blackhole = make_listener (0, &port);
  address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  address.sin_port = htons (port);
  filler = socket (AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  connect (filler, (struct sockaddr *) &address, sizeof address);
  usleep (200000);
  prepare_request (port);

  begin = now ();
  for (long i = 0; i < count; i++)
    {
      if (start_request (&slots[i]) == 0)
        open_requests++;
      if (i % 200 == 199)
        {
          n = epoll_wait (epoll_fd, events, 256, 0);
          open_requests -= collect (events, n, &busy, &timeouts, &other);
        }
    }

  /* Until the last probe has timed out: the server's memory every 100 ms, and how many
   * requests were waiting on it at its highest. */
  while (open_requests > 0)
    {
      n = epoll_wait (epoll_fd, events, 256, 100);
      open_requests -= collect (events, n, &busy, &timeouts, &other);
      if (now () >= next_sample)
        {
          long rss = server_memory_kb (server_pid, "VmRSS");

          if (rss > max_rss)
            {
              max_rss = rss;
              open_at_max = open_requests;
              busy_at_max = busy;
            }
          next_sample = now () + 0.1;
        }
    }

  printf ("requests=%ld pending_at_peak=%ld turned_away_at_peak=%ld server_rss_at_peak_kb=%ld\n",
          count, open_at_max, busy_at_max, max_rss);
  printf ("in_the_end: timeout=%ld turned_away_503=%ld other=%ld seconds=%.2f "
          "server_peak_rss_kb=%ld busy_answer_max_ms=%.0f\n",
          timeouts, busy, other, now () - begin, server_memory_kb (server_pid, "VmHWM"),
          busy_wait_max * 1000);
  close (filler);
  close (blackhole);
  free (slots);
  return other == 0 ? 0 : 1;
}

int
main (int    argc,
      char **argv)
{
  const char *mode = argc > 1 ? argv[1] : "";
  const char *server = NULL;
  int clients = 64, server_pid = 0;
  double seconds = 10;
  long max_probes = 0, count = 10000;
  char host[64];
  int port;

  for (int i = 2; i + 1 < argc; i += 2)
    {
      if (strcmp (argv[i], "--server") == 0)
        server = argv[i + 1];
      else if (strcmp (argv[i], "--clients") == 0)
        clients = atoi (argv[i + 1]);
      else if (strcmp (argv[i], "--seconds") == 0)
        seconds = atof (argv[i + 1]);
      else if (strcmp (argv[i], "--max") == 0)
        max_probes = atol (argv[i + 1]);
      else if (strcmp (argv[i], "--count") == 0)
        count = atol (argv[i + 1]);
      else if (strcmp (argv[i], "--server-pid") == 0)
        server_pid = atoi (argv[i + 1]);
      else
        {
          fprintf (stderr, "bench-probe: unknown option %s\n", argv[i]);
          return 2;
        }
    }

  if (server == NULL || sscanf (server, "%63[^:]:%d", host, &port) != 2 ||
      inet_pton (AF_INET, host, &server_address.sin_addr) != 1 ||
      (ntohl (server_address.sin_addr.s_addr) >> 24) != 127)
    {
      fprintf (stderr, "usage: bench-probe throughput|pending --server 127.x.x.x:PORT …\n");
      return 2;
    }
  server_address.sin_family = AF_INET;
  server_address.sin_port = htons (port);

  /* Bounded: at most a minute of load, at most 20,000 pending probes. */
  if (seconds > 60 || count > 20000 || clients > 4096 || clients < 1)
    {
      fprintf (stderr, "bench-probe: the load is bounded: --seconds ≤ 60, --count ≤ 20000, "
                       "--clients 1…4096\n");
      return 2;
    }

  raise_fd_limit ();
  epoll_fd = epoll_create1 (0);
  if (strcmp (mode, "throughput") == 0)
    return throughput (clients, seconds, max_probes);
  if (strcmp (mode, "pending") == 0)
    return pending (count, server_pid);
  fprintf (stderr, "bench-probe: the mode is throughput or pending\n");
  return 2;
}
