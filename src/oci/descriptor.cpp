#include "descriptor.h"
