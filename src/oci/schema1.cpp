#include "schema1.h"
