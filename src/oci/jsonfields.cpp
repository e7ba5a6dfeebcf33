#include "jsonfields.h"
