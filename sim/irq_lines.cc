#include "sim/irq_lines.h"

#include <algorithm>

namespace portrace::sim {

void IrqLines::Set(absl::string_view driver, int line, bool level) {
  if (line < 0 || line >= kCount) return;
  auto it = std::find_if(drivers_.begin(), drivers_.end(),
                         [&](const Driver& d) { return d.name == driver; });
  if (it == drivers_.end()) {
    drivers_.push_back(Driver{std::string(driver), 0});
    it = drivers_.end() - 1;
  }
  const uint32_t bit = uint32_t{1} << line;
  if (((it->high & bit) != 0) == level) return;
  const bool was = count_[line] > 0;
  if (level) {
    it->high |= bit;
    ++count_[line];
  } else {
    it->high &= ~bit;
    --count_[line];
  }
  const bool now = count_[line] > 0;
  if (was == now) return;
  events_->Publish(DeviceEvent{"irq", now ? "irq-raise" : "irq-lower", static_cast<uint64_t>(line),
                               std::string(driver)});
  for (IrqListener* listener : listeners_) listener->OnIrq(line, now);
}

void IrqLines::RemoveListener(IrqListener* listener) {
  listeners_.erase(std::remove(listeners_.begin(), listeners_.end(), listener), listeners_.end());
}

}  // namespace portrace::sim
