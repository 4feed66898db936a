/*-------------------------------------------------------------------------
 * tempdir.c
 *	  A private directory under the backend's temporary-file area
 *	  (pgsql_tmp of a temp tablespace, as fd.c's temporary files), for a
 *	  library that writes its output only to a file path: tesseract's PDF
 *	  renderer (imgtrans_ocr_pdf).
 *
 * The directory is made with mkdtemp (mode 0700, a fresh unpredictable
 * name, never an existing path) and named with PostgreSQL's temporary-file
 * prefix and the backend's PID, so the postmaster removes it at restart if
 * the backend crashed with it.  The caller removes it in PG_FINALLY; a
 * backend that exits (FATAL, pg_terminate_backend) with one still open
 * removes it in an on_proc_exit callback.  Never writes outside the
 * temporary-file area, never follows a user-supplied path, and
 * imgtrans_tempdir_remove() never raises.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "catalog/pg_tablespace_d.h"
#include "commands/tablespace.h"
#include "miscadmin.h"
#include "storage/fd.h"
#include "storage/ipc.h"
#include "utils/memutils.h"

#include "util/tempdir.h"

/* the directory not yet removed, for the exit callback ("" when none) */
static char open_dir[MAXPGPATH];
static bool exit_callback_registered = false;

/* Removes every file in dir, then dir.  Never raises. */
static void
remove_dir(const char *dir)
{
	DIR		   *d = opendir(dir);
	struct dirent *de;
	char		path[MAXPGPATH];

	if (d != NULL)
	{
		while ((de = readdir(d)) != NULL)
		{
			if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
			(void) unlink(path);
		}
		closedir(d);
	}
	(void) rmdir(dir);
}

static void
remove_at_exit(int code, Datum arg)
{
	if (open_dir[0] != '\0')
		remove_dir(open_dir);
	open_dir[0] = '\0';
}

/*
 * Makes a fresh directory under pgsql_tmp of the next temp tablespace
 * (temp_tablespaces, else the database's) and returns its path, relative
 * to the data directory.  Pair with imgtrans_tempdir_remove().
 */
char *
imgtrans_tempdir_create(void)
{
	char		base[MAXPGPATH];
	char		template[MAXPGPATH];
	Oid			tblspc;

	if (!exit_callback_registered)
	{
		on_proc_exit(remove_at_exit, (Datum) 0);
		exit_callback_registered = true;
	}
	if (open_dir[0] != '\0')	/* a previous call's, should not happen */
		imgtrans_tempdir_remove(open_dir);

	PrepareTempTablespaces();
	tblspc = GetNextTempTableSpace();
	if (!OidIsValid(tblspc))
		tblspc = OidIsValid(MyDatabaseTableSpace) ? MyDatabaseTableSpace : DEFAULTTABLESPACE_OID;
	TempTablespacePath(base, tblspc);
	if (MakePGDirectory(base) < 0 && errno != EEXIST)
		ereport(ERROR,
				(errcode_for_file_access(),
				 errmsg("could not create temporary directory \"%s\": %m", base)));
	snprintf(template, sizeof(template), "%s/%s%d.imgtrans.XXXXXX",
			 base, PG_TEMP_FILE_PREFIX, MyProcPid);
	if (mkdtemp(template) == NULL)
		ereport(ERROR,
				(errcode_for_file_access(),
				 errmsg("could not create temporary directory \"%s\": %m", template)));
	strlcpy(open_dir, template, sizeof(open_dir));
	return pstrdup(template);
}

/*
 * Reads a file the library wrote into a bytea.  A result too large for a
 * bytea is an ERROR.
 */
bytea *
imgtrans_tempdir_read(const char *path)
{
	int			fd;
	struct stat st;
	bytea	   *result;
	size_t		done = 0;

	fd = OpenTransientFile(path, O_RDONLY | PG_BINARY);
	if (fd < 0)
		ereport(ERROR,
				(errcode_for_file_access(),
				 errmsg("could not open temporary file \"%s\": %m", path)));
	if (fstat(fd, &st) < 0)
		ereport(ERROR,
				(errcode_for_file_access(),
				 errmsg("could not stat temporary file \"%s\": %m", path)));
	if ((Size) st.st_size > MaxAllocSize - VARHDRSZ)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("the result of %lld bytes is larger than a bytea can hold",
						(long long) st.st_size),
				 errhint("Process fewer pages per call (the pages argument).")));
	result = palloc(VARHDRSZ + st.st_size);
	while (done < (size_t) st.st_size)
	{
		ssize_t		n = read(fd, VARDATA(result) + done, st.st_size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			ereport(ERROR,
					(errcode_for_file_access(),
					 errmsg("could not read temporary file \"%s\": %m", path)));
		done += n;
	}
	CloseTransientFile(fd);
	SET_VARSIZE(result, VARHDRSZ + st.st_size);
	return result;
}

/* Removes a directory made by imgtrans_tempdir_create() and its files. */
void
imgtrans_tempdir_remove(const char *dir)
{
	if (dir == NULL)
		return;
	remove_dir(dir);
	if (strcmp(dir, open_dir) == 0)
		open_dir[0] = '\0';
}
