#include "errorcode.h"
