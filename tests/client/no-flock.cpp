// Preloaded (LD_PRELOAD) into one app process of TestRefreshLock: flock(2)
// always succeeds there, as in a lock directory whose filesystem does not
// enforce flock between the processes (NFS mounted with nolock, some FUSE
// mounts; QLockFile only warns when its flock fails). QLockFile then has
// nothing but the lock file's age to tell a working holder from a dead one.
// A fault: the local filesystem the tests run on cannot produce it.
extern "C" int flock(int, int)
{
    return 0;
}
