// IdeDiskUnplug: what the Xen platform device's unplug reaches on an IDE controller (protocol.md
// §c): hard disks are removed, CD-ROMs stay. Implemented by the PIIX3 IDE function; the platform
// device finds it on the PCI bus without knowing its class.
#ifndef PORTRACE_DEVICES_IDE_IDE_UNPLUG_H_
#define PORTRACE_DEVICES_IDE_IDE_UNPLUG_H_

#include <string>
#include <vector>

namespace portrace::devices {

class IdeDiskUnplug {
 public:
  virtual ~IdeDiskUnplug() = default;
  // Every hard disk, or (aux) every one but the primary master. Returns "ide0 master disk"...
  virtual std::vector<std::string> UnplugDisks(bool keep_primary_master) = 0;
  // The disk with drive index `index` (0-3), if it is a hard disk (XenServer version 2).
  virtual std::vector<std::string> UnplugDisk(int index) = 0;
};

}  // namespace portrace::devices

#endif  // PORTRACE_DEVICES_IDE_IDE_UNPLUG_H_
