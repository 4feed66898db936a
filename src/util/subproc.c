/*-------------------------------------------------------------------------
 * subproc.c
 *	  A child process that serves one backend's requests, one at a time,
 *	  over a pair of pipes: the PDF reader (poppler, src/document/pdf.c),
 *	  the OCR process (tesseract, src/ocr/engine.c) and the image and HEIF
 *	  decoders (src/image/decoder.c, heifdec.c).
 *
 * Some library calls cannot be stopped once begun (poppler drawing a
 * billion strokes, tesseract's page layout on a page of dust) and some
 * crash on hostile bytes.  Such calls run in a child the backend forks on
 * first use and keeps for later requests.  The backend waits for each
 * answer on its latch and the pipe, so statement_timeout,
 * pg_cancel_backend and pg_terminate_backend end the wait at once; the
 * backend then SIGKILLs the child and raises the interrupt as usual, and
 * the next request forks a new child.  A child that dies is an ERROR of
 * that call (the owner's lost callback says how), never a server restart.
 *
 * The child resets the backend's signal handlers, dies with the backend
 * (PR_SET_PDEATHSIG), unmaps the server's main shared memory, closes
 * every descriptor but its pipes and stderr,
 * runs under an address-space limit of its own, and is replaced after
 * max_requests requests.  It must never return into PostgreSQL code,
 * raise, or touch shared memory, locks or the client connection: its
 * serve() loop calls only its library, malloc and read()/write(), and
 * leaves with _exit().  The backend must never trust what a child sends:
 * answers longer than the caller's bound are refused.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "miscadmin.h"
#include "storage/latch.h"
#include "storage/pg_shmem.h"
#include "utils/ps_status.h"
#include "utils/wait_event.h"

#include "util/subproc.h"

/* the child's ends of the pipes, moved here before the rest are closed */
#define CHILD_REQ_FD	3
#define CHILD_RESP_FD	4
/* and the owner's keep_fd, if any, at SUBPROC_KEEP_FD (5) */

/* ---- in the child ---- */

bool
subproc_read_exact(int fd, void *buf, size_t len)
{
	char	   *p = buf;

	while (len > 0)
	{
		ssize_t		n = read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= n;
	}
	return true;
}

void
subproc_write_exact(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0)
	{
		ssize_t		n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(1);			/* the backend is gone */
		p += n;
		len -= n;
	}
}

/* Answers a request: header, then the payload in two parts (either may be empty). */
void
subproc_reply2(int fd, uint32 code, const void *a, size_t alen, const void *b, size_t blen)
{
	SubProcHeader h = {0};

	h.code = code;
	h.len = alen + blen;
	subproc_write_exact(fd, &h, sizeof(h));
	subproc_write_exact(fd, a, alen);
	subproc_write_exact(fd, b, blen);
}

void
subproc_reply(int fd, uint32 code, const void *payload, size_t len)
{
	subproc_reply2(fd, code, payload, len, NULL, 0);
}

/*
 * The child's first steps: its title, the signals of a plain process (it
 * must not run the backend's handlers, which set the backend's latch),
 * death with the backend, only its own descriptors, and its memory budget.
 */
static void
child_setup(SubProc *sp, pid_t backend, int req, int resp, int keep)
{
	sigset_t	none;
	struct rlimit rl;
	char		buf[64];
	int			fd;
	ssize_t		n;
	int			sig;

	for (sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			signal(sig, SIG_DFL);
	/*
	 * pg_cancel_backend and the postmaster signal the backend's whole
	 * process group with SIGINT: a cancel must not end an idle child and
	 * the engines it holds (a busy one gets the backend's SIGKILL).
	 * Terminate and shutdown (SIGTERM, SIGQUIT) end it at once.  A write
	 * to a backend that is gone fails with EPIPE and the child leaves.
	 */
	signal(SIGHUP, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	signal(SIGUSR1, SIG_IGN);
	signal(SIGUSR2, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != backend)
		_exit(1);
	set_ps_display(sp->title);
	/*
	 * Nothing here uses the server's shared memory: unmapped, a library
	 * that a hostile file subverts cannot reach shared buffers or another
	 * backend's state from this process.
	 */
	PGSharedMemoryDetach();
	/* req, resp and keep are above SUBPROC_KEEP_FD: moving them cannot overwrite one another */
	if (dup2(req, CHILD_REQ_FD) < 0 || dup2(resp, CHILD_RESP_FD) < 0 ||
		(keep >= 0 && dup2(keep, SUBPROC_KEEP_FD) < 0) ||
		close_range(keep >= 0 ? SUBPROC_KEEP_FD + 1 : CHILD_RESP_FD + 1, ~0U, 0) != 0)
		_exit(1);
	/* address space in use now (/proc/self/statm: pages), plus the budget */
	fd = open("/proc/self/statm", O_RDONLY);
	n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	if (fd >= 0)
		close(fd);
	if (n > 0)
	{
		buf[n] = '\0';
		rl.rlim_cur = rl.rlim_max = (rlim_t) strtoull(buf, NULL, 10) * (rlim_t) sysconf(_SC_PAGESIZE) +
			(rlim_t) sp->memory_budget;
		(void) setrlimit(RLIMIT_AS, &rl);
	}
}


/* ---- a shared buffer for large payloads (either side) ---- */

/*
 * A memfd for the owner's keep_fd, made before the fork: images travel
 * through it instead of the pipe (which copies each byte twice into fresh
 * pages).  Sealed against shrinking, so that a subverted child can never
 * cut it short under a mapping of the backend (a SIGBUS in the backend);
 * it only grows, and pages are given back by punching holes.  -1 when the
 * system has no memfd: the pipe carries everything then.
 */
int
subproc_shm_create(const char *name)
{
	int			fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);

	if (fd >= 0 && fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_SEAL) != 0)
	{
		close(fd);
		fd = -1;
	}
	return fd;
}

/*
 * Maps at least len bytes of the buffer at *map (*mapped bytes mapped so
 * far), growing the file when grow is set; false when it cannot (or, not
 * growing, when the file is shorter than len).  Never raises.
 */
bool
subproc_shm_map(int fd, char **map, size_t *mapped, uint64 len, bool grow, int prot)
{
	struct stat st;
	char	   *m;
	size_t		size;

	if (len <= *mapped)
		return true;
	if (len > (uint64) SIZE_MAX / 2 || fstat(fd, &st) != 0)
		return false;
	size = Max((size_t) st.st_size, len);
	if (grow)
		size = Max(size, TYPEALIGN((size_t) 1 << 20, Max(len, *mapped + *mapped / 2)));
	if ((size_t) st.st_size < size && (!grow || ftruncate(fd, size) != 0))
		return false;
	m = mmap(NULL, size, prot, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED)
		return false;
	if (*map)
		munmap(*map, *mapped);
	*map = m;
	*mapped = size;
	return true;
}

/* Gives back the pages of the buffer past its first keep bytes.  Never raises. */
void
subproc_shm_release(int fd, size_t keep, size_t mapped)
{
	if (fd > 2 && mapped > keep)
		(void) fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, keep, mapped - keep);
}

/* ---- in the backend ---- */

/*
 * A child answered out of protocol (a code, length, size or field it may
 * not send): it is killed, since a library that a hostile file subverted
 * may be running it now, and the call fails.  The next request forks a
 * new child.
 */
void
subproc_misbehaved(SubProc *sp, const char *what)
{
	subproc_kill(sp);
	ereport(ERROR,
			(errcode(ERRCODE_EXTERNAL_ROUTINE_EXCEPTION),
			 errmsg("the %s answered out of protocol: %s", sp->name, what),
			 errdetail("The process was ended; the next call starts a new one."),
			 errhint("The input may be crafted to subvert the library that reads it.")));
}

/* A message or name a child sent, made printable ASCII (the rest becomes '?'). */
char *
subproc_ascii(char *s)
{
	char	   *c;

	for (c = s; *c; c++)
		if (*c < 0x20 || *c > 0x7e)
			*c = '?';
	return s;
}

bool
subproc_running(SubProc *sp)
{
	return sp->pid > 0;
}

/* Never raises: kills the child, reaps it, closes the pipes. */
void
subproc_kill(SubProc *sp)
{
	if (sp->pid > 0)
	{
		int			st;

		(void) kill(sp->pid, SIGKILL);
		while (waitpid(sp->pid, &st, 0) < 0 && errno == EINTR)
			;
		close(sp->req);
		close(sp->resp);
	}
	sp->pid = -1;
	sp->req = sp->resp = -1;
	sp->requests = 0;
	sp->holding = false;
}

static void
pipes_failed(SubProc *sp, const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_RESOURCES),
			 errmsg("could not %s for the %s: %m", what, sp->name),
			 errhint("The server is short of processes, files or memory; try again later.")));
}

/*
 * Forks the child; in the child, never returns.  The request pipe's read
 * end, the answer pipe's write end and the owner's keep_fd are numbered
 * above SUBPROC_KEEP_FD first, so that moving them to 3, 4 and 5 in the
 * child cannot overwrite one with another.
 */
static void
subproc_start(SubProc *sp)
{
	int			req[2],
				resp[2];
	pid_t		backend = getpid();
	pid_t		pid;
	int			save;

	/* the shared buffer outlives the children: each one inherits it at the fork */
	if (sp->shm_name && sp->keep_fd <= 2)
		sp->keep_fd = subproc_shm_create(sp->shm_name);
	if (pipe(req) != 0)
		pipes_failed(sp, "create a pipe");
	if (pipe(resp) != 0)
	{
		save = errno;
		close(req[0]);
		close(req[1]);
		errno = save;
		pipes_failed(sp, "create a pipe");
	}
	pid = fork();
	if (pid == 0)
	{
		int			r = fcntl(req[0], F_DUPFD, SUBPROC_KEEP_FD + 1);
		int			w = fcntl(resp[1], F_DUPFD, SUBPROC_KEEP_FD + 1);
		int			k = sp->keep_fd > 2 ? fcntl(sp->keep_fd, F_DUPFD, SUBPROC_KEEP_FD + 1) : -1;

		if (r < 0 || w < 0 || (sp->keep_fd > 2 && k < 0))
			_exit(1);
		child_setup(sp, backend, r, w, k);
		sp->serve(CHILD_REQ_FD, CHILD_RESP_FD);
		_exit(0);
	}
	save = errno;
	close(req[0]);
	close(resp[1]);
	if (pid < 0)
	{
		close(req[1]);
		close(resp[0]);
		errno = save;
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_RESOURCES),
				 errmsg("could not start the %s process: %m", sp->name),
				 errhint("The server is short of processes or memory; try again later.")));
	}
	sp->pid = pid;
	sp->req = req[1];
	sp->resp = resp[0];
	sp->requests = 0;
	sp->holding = false;
	sp->generation++;
	if (fcntl(sp->req, F_SETFL, O_NONBLOCK) != 0 || fcntl(sp->resp, F_SETFL, O_NONBLOCK) != 0 ||
		fcntl(sp->req, F_SETFD, FD_CLOEXEC) != 0 || fcntl(sp->resp, F_SETFD, FD_CLOEXEC) != 0)
		pipes_failed(sp, "set up the pipes");
	/* images travel through these: fewer wake-ups with a larger buffer (best effort) */
	(void) fcntl(sp->req, F_SETPIPE_SZ, 1024 * 1024);
	(void) fcntl(sp->resp, F_SETPIPE_SZ, 1024 * 1024);
}

/* Waits for the child's pipe end fd to be ready (events), or an interrupt. */
static void
wait_fd(int fd, int events)
{
	(void) WaitLatchOrSocket(MyLatch, WL_LATCH_SET | events | WL_EXIT_ON_PM_DEATH,
							 fd, -1L, PG_WAIT_EXTENSION);
	ResetLatch(MyLatch);
	CHECK_FOR_INTERRUPTS();
}

/*
 * The child ended (closed its pipe): reaped, and the owner's ERROR.  A
 * cancel or terminate of the backend reaches the child too (PostgreSQL
 * signals the backend's process group), so a pending interrupt is raised
 * first, as what it is.
 */
static void
child_lost(SubProc *sp, int context)
{
	int			st = 0;

	CHECK_FOR_INTERRUPTS();
	while (sp->pid > 0 && waitpid(sp->pid, &st, 0) < 0 && errno == EINTR)
		;
	close(sp->req);
	close(sp->resp);
	sp->pid = -1;
	sp->req = sp->resp = -1;
	sp->lost(sp, st, context);
	elog(ERROR, "imgtrans: the %s ended", sp->name);	/* lost() raises */
}

static void
send_all(SubProc *sp, const void *buf, size_t len, int context)
{
	const char *p = buf;

	while (len > 0)
	{
		ssize_t		n = write(sp->req, p, len);

		if (n > 0)
		{
			p += n;
			len -= n;
		}
		else if (n < 0 && errno == EPIPE)
			child_lost(sp, context);
		else if (n < 0 && errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK)
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_RESOURCES),
					 errmsg("could not write to the %s: %m", sp->name)));
		else if (n < 0 && errno != EINTR)
			wait_fd(sp->req, WL_SOCKET_WRITEABLE);
	}
}

static void
recv_all(SubProc *sp, void *buf, size_t len, int context)
{
	char	   *p = buf;

	while (len > 0)
	{
		ssize_t		n = read(sp->resp, p, len);

		if (n > 0)
		{
			p += n;
			len -= n;
		}
		else if (n == 0)
			child_lost(sp, context);
		else if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK)
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_RESOURCES),
					 errmsg("could not read from the %s: %m", sp->name)));
		else if (errno != EINTR)
			wait_fd(sp->resp, WL_SOCKET_READABLE);
	}
}

/*
 * A child ready for a request: an idle one that died meanwhile is reaped,
 * one that has served max_requests is replaced (unless the owner says it
 * is holding something a later request needs), and none is forked, with
 * the shared buffer (keep_fd) made first when the owner wants one.
 */
void
subproc_ensure(SubProc *sp)
{
	int			st;

	if (sp->pid > 0 && waitpid(sp->pid, &st, WNOHANG) != 0)
	{
		close(sp->req);
		close(sp->resp);
		sp->pid = -1;
	}
	if (sp->pid > 0 && sp->max_requests > 0 && sp->requests >= sp->max_requests && !sp->holding)
		subproc_kill(sp);
	if (sp->pid <= 0)
		subproc_start(sp);
}

/*
 * Sends a request (a then b, either may be empty) and waits for the
 * answer: returns its code, with its payload palloc'd in *payload (*len
 * bytes, NUL-terminated).  An answer longer than max_len is an ERROR.  On
 * anything else that goes wrong (an interrupt, the child dying, a short
 * answer) the child is killed and the error raised; the next call forks a
 * new child.  context is passed to the owner's lost callback.
 */
uint32
subproc_call(SubProc *sp, const void *a, size_t alen, const void *b, size_t blen,
			 uint64 max_len, char **payload, uint64 *len, int context)
{
	SubProcHeader h;

	*payload = NULL;
	subproc_ensure(sp);
	PG_TRY();
	{
		sp->requests++;
		send_all(sp, a, alen, context);
		send_all(sp, b, blen, context);
		recv_all(sp, &h, sizeof(h), context);
		if (h.len > Max(max_len, 256))
			ereport(ERROR,
					(errcode(ERRCODE_PROTOCOL_VIOLATION),
					 errmsg("the %s sent an answer of " UINT64_FORMAT " bytes", sp->name, h.len)));
		*payload = palloc(h.len + 1);
		recv_all(sp, *payload, h.len, context);
		(*payload)[h.len] = '\0';
	}
	PG_CATCH();
	{
		subproc_kill(sp);
		PG_RE_THROW();
	}
	PG_END_TRY();
	*len = h.len;
	return h.code;
}
