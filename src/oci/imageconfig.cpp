#include "imageconfig.h"
