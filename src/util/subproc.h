/*-------------------------------------------------------------------------
 * subproc.h
 *	  A child process that serves one backend's requests over a pair of
 *	  pipes and is SIGKILLed on any interrupt (the PDF reader, the OCR
 *	  process).  See subproc.c.
 *-------------------------------------------------------------------------
 */
#ifndef IMGTRANS_SUBPROC_H
#define IMGTRANS_SUBPROC_H

#include <sys/types.h>

/* Every answer: this header, then len bytes of payload. */
typedef struct SubProcHeader
{
	uint32		code;			/* 0: ok; else the server's own error code */
	uint32		unused;
	uint64		len;
} SubProcHeader;

typedef struct SubProc SubProc;

/* where the child finds the owner's keep_fd */
#define SUBPROC_KEEP_FD 5

/* Raises the ERROR for a child that ended (wait status) without answering. */
typedef void (*SubProcLostFn) (SubProc *sp, int status, int context);

struct SubProc
{
	/* set by the owner */
	const char *name;			/* "PDF reader": in messages */
	const char *title;			/* the child's process title (activity part) */
	int			max_requests;	/* replaced after this many; 0: never */
	uint64		memory_budget;	/* bytes of address space over the backend's */
	void		(*serve) (int req, int resp);	/* the child's loop; never returns */
	SubProcLostFn lost;
	const char *shm_name;		/* non-NULL: a shared buffer (keep_fd) is made before the first fork */
	/* set by the owner while the child holds what a later request needs: not replaced then */
	bool		holding;
	/* state; none: pid -1 (zero-initialised is "none" too) */
	int			keep_fd;		/* > 2: the shared buffer, the child's SUBPROC_KEEP_FD */
	pid_t		pid;
	int			req;			/* the backend writes requests here */
	int			resp;			/* and reads answers here (non-blocking) */
	int			requests;
	uint64		generation;		/* counts the children started */
	/* the backend's mapping of the shared buffer (subproc_shm_map), kept across children */
	char	   *map;
	size_t		mapped;
};

/* in the backend */
extern uint32 subproc_call(SubProc *sp, const void *a, size_t alen, const void *b, size_t blen,
						   uint64 max_len, char **payload, uint64 *len, int context);
extern void subproc_ensure(SubProc *sp);
extern void subproc_kill(SubProc *sp);
extern void subproc_misbehaved(SubProc *sp, const char *what) pg_attribute_noreturn();
extern bool subproc_running(SubProc *sp);
extern char *subproc_ascii(char *s);

/* a shared buffer (either side) */
extern int	subproc_shm_create(const char *name);
extern bool subproc_shm_map(int fd, char **map, size_t *mapped, uint64 len, bool grow, int prot);
extern void subproc_shm_release(int fd, size_t keep, size_t mapped);

/* in the child */
extern bool subproc_read_exact(int fd, void *buf, size_t len);
extern void subproc_write_exact(int fd, const void *buf, size_t len);
extern void subproc_reply2(int fd, uint32 code, const void *a, size_t alen, const void *b, size_t blen);
extern void subproc_reply(int fd, uint32 code, const void *payload, size_t len);

#endif							/* IMGTRANS_SUBPROC_H */
