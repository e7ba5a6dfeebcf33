#include "range.h"
