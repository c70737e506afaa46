/* A service that sends READY=1 on NOTIFY_SOCKET the moment it runs, then waits for a signal:
   fast enough that its message can arrive before the kernel's Process.Start has returned. */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(void) {
  const char *path = getenv("NOTIFY_SOCKET");
  if (path == NULL) return 2;
  struct sockaddr_un address = { .sun_family = AF_UNIX };
  strncpy(address.sun_path, path, sizeof address.sun_path - 1);
  int s = socket(AF_UNIX, SOCK_DGRAM, 0);
  if (sendto(s, "READY=1", 7, 0, (struct sockaddr *)&address, sizeof address) < 0) return 3;
  close(s);
  pause();
  return 0;
}
