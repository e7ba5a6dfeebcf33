#include "imageindex.h"
