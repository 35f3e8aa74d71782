#include "guard/sql_guard.h"
